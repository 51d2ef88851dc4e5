#!/usr/bin/env python3
"""Independent reference for the torch backend's ELF reader (src/Unlearn.Backends.Torch/Native/ElfImage.cs).

Reads a 64-bit little-endian ELF shared object with nothing but `struct` and prints, as JSON, its version needs
(.gnu.version_r: file, version name, vna_flags, vna_other, file offset of vna_flags) and, for each needed version
index, whether any relocation (.rela.dyn / .rela.plt) refers to a dynamic symbol bound to it (.gnu.version).

    /usr/bin/python3 tests/reference/elf_version_needs.py LIB.so > tests/Unlearn.Backends.Torch.Tests/Data/X.json
"""
import json
import struct
import sys


def main(path):
    data = open(path, "rb").read()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "64-bit little-endian ELF expected"
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = []
    for i in range(shnum):
        _, sh_type, _, _, off, size, link, _, _, entsize = struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
        sections.append(dict(type=sh_type, offset=off, size=size, link=link, entsize=entsize))

    def cstring(table, offset):
        start = sections[table]["offset"] + offset
        return data[start:data.index(b"\0", start)].decode("ascii")

    needs = []
    for s in sections:
        if s["type"] != 0x6FFFFFFE:
            continue
        at = s["offset"]
        while True:
            _, count, file_name, aux, nxt = struct.unpack_from("<HHIII", data, at)
            a = at + aux
            for _ in range(count):
                _, flags, other, name, anext = struct.unpack_from("<IHHII", data, a)
                needs.append(dict(file=cstring(s["link"], file_name), name=cstring(s["link"], name), flags=flags, index=other, flags_offset=a + 4))
                if anext == 0:
                    break
                a += anext
            if nxt == 0:
                break
            at += nxt

    versym = next(s for s in sections if s["type"] == 0x6FFFFFFF)
    dynsym = versym["link"]
    referenced = set()
    for s in sections:
        if s["type"] not in (4, 9) or s["link"] != dynsym:
            continue
        entry = s["entsize"] or (24 if s["type"] == 4 else 16)
        for at in range(s["offset"], s["offset"] + s["size"], entry):
            sym = struct.unpack_from("<Q", data, at + 8)[0] >> 32
            if sym:
                referenced.add(struct.unpack_from("<H", data, versym["offset"] + 2 * sym)[0] & 0x7FFF)
    for need in needs:
        need["relocated"] = need["index"] in referenced
    print(json.dumps({"needs": needs}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
