using XChat.Silo.Hosting;

namespace XChat.Integration.Tests.GrainState;

/// <summary>A test grain whose only job is to persist a small state through the "xchat" provider.</summary>
public interface IStateProbeGrain : IGrainWithStringKey
{
    Task SetHandleAsync(string handle);

    Task<ProbeSnapshot> GetAsync();

    Task ClearAsync();

    /// <summary>The silo this activation lives on, so a test can kill exactly that one.</summary>
    Task<SiloAddress> GetHostAsync();
}

/// <summary>What the probe grain holds.</summary>
[GenerateSerializer]
public sealed class ProbeState
{
    [Id(0)]
    public string? Handle { get; set; }
}

/// <summary>The probe's state as seen by the activation, with the storage bookkeeping.</summary>
[GenerateSerializer, Immutable]
public sealed class ProbeSnapshot
{
    [Id(0)]
    public string? Handle { get; init; }

    [Id(1)]
    public bool RecordExists { get; init; }

    [Id(2)]
    public string? ETag { get; init; }
}

public sealed class StateProbeGrain(
    [PersistentState(StateProbeGrain.StateName, GrainStorageExtensions.ProviderName)] IPersistentState<ProbeState> state,
    ILocalSiloDetails silo)
    : Grain, IStateProbeGrain
{
    public const string StateName = "stateprobe";

    public Task SetHandleAsync(string handle)
    {
        state.State.Handle = handle;
        return state.WriteStateAsync();
    }

    public Task<ProbeSnapshot> GetAsync() => Task.FromResult(new ProbeSnapshot
    {
        Handle = state.State.Handle,
        RecordExists = state.RecordExists,
        ETag = state.Etag,
    });

    public Task ClearAsync() => state.ClearStateAsync();

    public Task<SiloAddress> GetHostAsync() => Task.FromResult(silo.SiloAddress);
}
