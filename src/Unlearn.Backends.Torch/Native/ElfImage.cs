// A read-only view of the parts of a 64-bit little-endian ELF shared object that symbol versioning uses: the section
// headers, the version needs (.gnu.version_r: which versions of which library the object requires), the version
// definitions (.gnu.version_d: which versions a library provides), and which version indices the relocations refer to.
// Field layouts follow the System V gABI and the LSB "Symbol Versioning" chapter; nothing here writes.
using System.Buffers.Binary;
using System.Text;

namespace Unlearn.Backends.Torch.Native;

/// <summary>One Vernaux entry: the object needs version <see cref="Name"/> of <see cref="File"/>.</summary>
/// <param name="FlagsOffset">file offset of the 16-bit vna_flags field</param>
/// <param name="Index">vna_other: the version index that symbols bound to this need carry in .gnu.version</param>
public sealed record VersionNeed(string File, string Name, ushort Flags, ushort Index, long FlagsOffset)
{
    /// <summary>VER_FLG_WEAK: the dynamic loader does not fail when the version is missing.</summary>
    public const ushort WeakFlag = 0x2;

    public bool IsWeak => (Flags & WeakFlag) != 0;
}

public sealed class ElfImage
{
    private const uint SectionRela = 4;
    private const uint SectionDynamicSymbols = 11;
    private const uint SectionRel = 9;
    private const uint SectionVersionDefinitions = 0x6ffffffd;
    private const uint SectionVersionNeeds = 0x6ffffffe;
    private const uint SectionVersionSymbols = 0x6fffffff;

    private readonly byte[] _bytes;
    private readonly Section[] _sections;

    private ElfImage(byte[] bytes, string path, Section[] sections)
    {
        _bytes = bytes;
        Path = path;
        _sections = sections;
        VersionNeeds = ReadVersionNeeds();
        VersionDefinitions = ReadVersionDefinitions();
    }

    public string Path { get; }

    public IReadOnlyList<VersionNeed> VersionNeeds { get; }

    /// <summary>Version names this object defines (for a library: the versions it provides), including its own soname entry.</summary>
    public IReadOnlySet<string> VersionDefinitions { get; }

    public static ElfImage Read(string path) => Parse(File.ReadAllBytes(path), path);

    /// <exception cref="InvalidDataException">not a 64-bit little-endian ELF file, or a table points outside it</exception>
    public static ElfImage Parse(byte[] bytes, string path)
    {
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            throw new InvalidDataException($"'{path}' is not an ELF file (no \\x7fELF magic).");
        }
        if (bytes[4] != 2 || bytes[5] != 1)
        {
            throw new InvalidDataException($"'{path}' is not a 64-bit little-endian ELF file (class {bytes[4]}, data {bytes[5]}).");
        }
        long sectionTable = checked((long)U64(bytes, 0x28));
        int entrySize = U16(bytes, 0x3A);
        int count = U16(bytes, 0x3C);
        if (entrySize < 64 || sectionTable < 0 || sectionTable + (long)entrySize * count > bytes.Length)
        {
            throw new InvalidDataException($"'{path}': the section header table (offset {sectionTable}, {count} × {entrySize} bytes) lies outside the file.");
        }
        var sections = new Section[count];
        for (int i = 0; i < count; i++)
        {
            long at = sectionTable + (long)i * entrySize;
            sections[i] = new Section(
                Type: U32(bytes, at + 4),
                Offset: checked((long)U64(bytes, at + 24)),
                Size: checked((long)U64(bytes, at + 32)),
                Link: U32(bytes, at + 40),
                EntrySize: checked((long)U64(bytes, at + 56)));
            if (sections[i].Type != 8 && sections[i].Offset + sections[i].Size > bytes.Length)   // 8 = SHT_NOBITS (.bss)
            {
                throw new InvalidDataException($"'{path}': section {i} (offset {sections[i].Offset}, {sections[i].Size} bytes) lies outside the file.");
            }
        }
        return new ElfImage(bytes, path, sections);
    }

    /// <summary>
    /// True when some relocation refers to a dynamic symbol bound to version index <paramref name="index"/>: the loader
    /// must then resolve that symbol, so a missing version cannot be made harmless by marking the need weak.
    /// </summary>
    public bool RelocationsReferToVersion(ushort index)
    {
        int versionSymbols = Array.FindIndex(_sections, s => s.Type == SectionVersionSymbols);
        if (versionSymbols < 0)
        {
            return false;
        }
        var versym = _sections[versionSymbols];
        int dynamicSymbols = (int)versym.Link;
        foreach (var section in _sections)
        {
            if ((section.Type != SectionRela && section.Type != SectionRel) || section.Link != dynamicSymbols || section.Size == 0)
            {
                continue;
            }
            long entry = section.EntrySize > 0 ? section.EntrySize : section.Type == SectionRela ? 24 : 16;
            for (long at = section.Offset; at + entry <= section.Offset + section.Size; at += entry)
            {
                long symbol = (long)(U64(_bytes, at + 8) >> 32);
                if (symbol == 0 || versym.Offset + 2 * symbol + 2 > versym.Offset + versym.Size)
                {
                    continue;
                }
                if ((U16(_bytes, versym.Offset + 2 * symbol) & 0x7fff) == index)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private List<VersionNeed> ReadVersionNeeds()
    {
        var needs = new List<VersionNeed>();
        foreach (var section in _sections.Where(s => s.Type == SectionVersionNeeds))
        {
            var strings = StringTable(section);
            long at = section.Offset;
            while (true)
            {
                Check(at, 16, section);
                int auxCount = U16(_bytes, at + 2);
                string file = strings(U32(_bytes, at + 4));
                long aux = at + U32(_bytes, at + 8);
                for (int i = 0; i < auxCount; i++)
                {
                    Check(aux, 16, section);
                    needs.Add(new VersionNeed(file, strings(U32(_bytes, aux + 8)), (ushort)U16(_bytes, aux + 4), (ushort)U16(_bytes, aux + 6), aux + 4));
                    uint nextAux = U32(_bytes, aux + 12);
                    if (nextAux == 0)
                    {
                        break;
                    }
                    aux += nextAux;
                }
                uint next = U32(_bytes, at + 12);
                if (next == 0)
                {
                    break;
                }
                at += next;
            }
        }
        return needs;
    }

    private HashSet<string> ReadVersionDefinitions()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in _sections.Where(s => s.Type == SectionVersionDefinitions))
        {
            var strings = StringTable(section);
            long at = section.Offset;
            while (true)
            {
                Check(at, 20, section);
                int auxCount = U16(_bytes, at + 6);
                long aux = at + U32(_bytes, at + 12);
                if (auxCount > 0)
                {
                    Check(aux, 8, section);
                    names.Add(strings(U32(_bytes, aux)));   // the first Verdaux names the version; later ones are its parents
                }
                uint next = U32(_bytes, at + 16);
                if (next == 0)
                {
                    break;
                }
                at += next;
            }
        }
        return names;
    }

    private Func<uint, string> StringTable(Section owner)
    {
        if (owner.Link >= _sections.Length)
        {
            throw new InvalidDataException($"'{Path}': a version section links to string table {owner.Link}, which does not exist.");
        }
        var table = _sections[owner.Link];
        return offset =>
        {
            long start = table.Offset + offset;
            long end = start;
            while (end < table.Offset + table.Size && _bytes[end] != 0)
            {
                end++;
            }
            if (start >= table.Offset + table.Size || end >= table.Offset + table.Size)
            {
                throw new InvalidDataException($"'{Path}': a version name at string offset {offset} runs past its string table.");
            }
            return Encoding.ASCII.GetString(_bytes, (int)start, (int)(end - start));
        };
    }

    private void Check(long at, int length, Section section)
    {
        if (at < section.Offset || at + length > section.Offset + section.Size)
        {
            throw new InvalidDataException($"'{Path}': a version entry at offset {at} lies outside its section.");
        }
    }

    private static int U16(byte[] b, long at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(checked((int)at), 2));

    private static uint U32(byte[] b, long at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(checked((int)at), 4));

    private static ulong U64(byte[] b, long at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(checked((int)at), 8));

    private readonly record struct Section(uint Type, long Offset, long Size, uint Link, long EntrySize);
}
