// The probing tests reach the scalar reference kernels and the kernel switch (STYLE.md: InternalsVisibleTo
// where a test needs a knob, no reflection); the tests and the SAE benchmark reach SaeTrainer's step on an explicit
// batch and dead-latent list.
using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Unlearn.Methods.Tests")]
[assembly: InternalsVisibleTo("Unlearn.Benchmarks")]
