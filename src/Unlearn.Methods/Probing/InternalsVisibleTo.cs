// The probing tests reach the scalar reference kernels and the kernel switch (STYLE.md: InternalsVisibleTo
// where a test needs a knob, no reflection).
using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Unlearn.Methods.Tests")]
