// Starts LibTorch once per process: the GLIBCXX compatibility step on this application's copies of
// libLibTorchSharp.so (before TorchSharp loads it), the thread count, and — for a CUDA
// device — the CUDA backend, with a message saying which package switch a CPU-only build needs.
using System.Runtime.InteropServices;
using TorchSharp;
using Unlearn.Backends.Torch.Native;
using static TorchSharp.torch;

namespace Unlearn.Backends.Torch;

internal static class TorchNative
{
    private static readonly Lock Gate = new();
    private static bool _started;
    private static int _threads;

    /// <summary>The device the settings name, with LibTorch started and checked for it.</summary>
    public static Device Start(TorchSettings settings)
    {
        var (type, index) = TorchSettings.ParseDevice(settings.Device);
        lock (Gate)
        {
            if (!_started)
            {
                // TorchSharp looks for its native library beside TorchSharp.dll (and in runtimes/<rid>/native below it),
                // which is the application folder for an app or a test host but not for a plug-in loaded by a host
                // (an MSBuild task), so that folder is the one to make loadable.
                GlibcxxCompatibility.EnsureLoadable(Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? AppContext.BaseDirectory);
                PreferPassiveOpenMpWaits();
                try
                {
                    torch.set_num_threads(settings.ThreadCount);
                    _threads = settings.ThreadCount;
                }
                catch (TypeInitializationException e)
                {
                    throw new TorchBackendException($"LibTorch could not be loaded: {Innermost(e).Message.Split('\n')[0]}", e);
                }
                _started = true;
            }
            if (_threads != settings.ThreadCount)
            {
                torch.set_num_threads(settings.ThreadCount);
                _threads = settings.ThreadCount;
            }
            if (type == DeviceType.CUDA)
            {
                bool initialised;
                try
                {
                    torch.InitializeDeviceType(DeviceType.CUDA);
                    initialised = true;
                }
                catch (InvalidOperationException)
                {
                    initialised = false;   // a CPU-only bundle: TorchSharp refuses to start CUDA
                }
                if (!initialised || !torch.cuda.is_available() || index >= torch.cuda.device_count())
                {
                    throw new TorchBackendException(
                        $"settings.device '{settings.Device}': no such CUDA device ({(initialised && torch.cuda.is_available() ? torch.cuda.device_count() : 0)} visible). " +
                        "A CUDA device needs a build with the CUDA bundle: dotnet build -p:TorchPackage=TorchSharp-cuda-linux (see docs/backends.md).");
                }
            }
        }
        return type == DeviceType.CPU ? torch.CPU : torch.device(type, index);
    }

    // LibTorch's OpenMP workers spin while they wait for work by default. On a machine whose cores are shared (the
    // project's 2-core machines, CI) that spinning starves everything else: measured, 60 greedy tokens of stories260K
    // took 14.9 s spinning and 6.1 s with passive waits, at the same bits (the wait policy changes no arithmetic).
    // libgomp reads OMP_WAIT_POLICY from the native environment when LibTorch loads, so it is set there, before that,
    // and only when the user has not chosen a policy.
    private static void PreferPassiveOpenMpWaits()
    {
        if (!OperatingSystem.IsWindows() && Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null)
        {
            _ = SetEnvironment("OMP_WAIT_POLICY", "PASSIVE", overwrite: 0);
        }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnvironment(string name, string value, int overwrite);

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
