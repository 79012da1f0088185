using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using XChat.Silo.Hosting;
using XChat.Silo.Storage;

namespace XChat.Integration.Tests.GrainState;

/// <summary>
/// Grain state through the ADO.NET provider on our own schema; the same tests run on every database
/// (see the derived classes).
/// </summary>
public abstract class GrainStateTestsBase(GrainStateDatabase database)
{
    protected GrainStateDatabase Database { get; } = database;

    [Fact]
    public async Task ReadState_AfterClusterRestart_ReturnsWrittenState()
    {
        var key = NewKey();
        await using (var first = await StartClusterAsync())
        {
            await first.Client.GetGrain<IStateProbeGrain>(key).SetHandleAsync("alice");
        }

        // A new cluster has no activation and no memory: the state can only come from the database.
        await using var second = await StartClusterAsync();
        var snapshot = await second.Client.GetGrain<IStateProbeGrain>(key).GetAsync();

        Assert.Equal("alice", snapshot.Handle);
        Assert.True(snapshot.RecordExists, "a written state must be read back as an existing record");
        Assert.Equal("1", snapshot.ETag);
    }

    [Fact]
    public async Task ReadState_AfterSiloKill_ReactivatesWithWrittenState()
    {
        var key = NewKey();
        await using var cluster = await StartClusterAsync(silos: 2);
        var grain = cluster.Client.GetGrain<IStateProbeGrain>(key);
        await grain.SetHandleAsync("bob");
        await grain.SetHandleAsync("bob2");

        // Kill whichever silo hosts the grain; the grain must come back elsewhere with the last write.
        var hostAddress = await grain.GetHostAsync();
        var host = cluster.Silos.Single(silo => silo.SiloAddress.Equals(hostAddress));
        await cluster.KillSiloAsync(host);
        var snapshot = await grain.GetAsync();

        Assert.Equal("bob2", snapshot.Handle);
        Assert.Equal("2", snapshot.ETag);
    }

    [Fact]
    public async Task EnsureCreatedAsync_RunTwice_KeepsStateAndQueryRows()
    {
        var key = NewKey();
        await using (var cluster = await StartClusterAsync())
        {
            await cluster.Client.GetGrain<IStateProbeGrain>(key).SetHandleAsync("carol");
        }

        await GrainStateSchema.EnsureCreatedAsync(Database.Kind, Database.ConnectionString);
        await GrainStateSchema.EnsureCreatedAsync(Database.Kind, Database.ConnectionString);

        var queryRows = Convert.ToInt64(await Database.ScalarAsync(
            "SELECT COUNT(*) FROM OrleansQuery WHERE QueryKey IN " +
            "('ReadFromStorageKey', 'WriteToStorageKey', 'ClearStorageKey', 'DeleteStorageKey')"));
        Assert.Equal(4, queryRows);

        await using var restarted = await StartClusterAsync();
        Assert.Equal("carol", (await restarted.Client.GetGrain<IStateProbeGrain>(key).GetAsync()).Handle);
    }

    [Fact]
    public async Task WriteStateAsync_StaleETag_ThrowsInconsistentStateException()
    {
        await using var cluster = await StartClusterAsync();
        var storage = Storage(cluster);
        var grainId = NewGrainId();
        var initial = new GrainState<ProbeState>(new ProbeState { Handle = "v1" });
        await storage.WriteStateAsync(StateProbeGrain.StateName, grainId, initial);

        // Two writers that both read version 1: the first wins, the second must be refused.
        var winner = new GrainState<ProbeState>(new ProbeState { Handle = "winner" }, initial.ETag);
        var loser = new GrainState<ProbeState>(new ProbeState { Handle = "loser" }, initial.ETag);
        await storage.WriteStateAsync(StateProbeGrain.StateName, grainId, winner);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(StateProbeGrain.StateName, grainId, loser));
        var stored = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync(StateProbeGrain.StateName, grainId, stored);
        Assert.Equal("winner", stored.State?.Handle);
        Assert.Equal(winner.ETag, stored.ETag);
    }

    [Fact]
    public async Task WriteStateAsync_ConcurrentWritersWithSameETag_ExactlyOneSucceeds()
    {
        await using var cluster = await StartClusterAsync();
        var storage = Storage(cluster);
        var grainId = NewGrainId();
        var initial = new GrainState<ProbeState>(new ProbeState { Handle = "v1" });
        await storage.WriteStateAsync(StateProbeGrain.StateName, grainId, initial);

        // Real races, not sequential staleness: the database itself must let exactly one through.
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            await Task.Yield();
            var state = new GrainState<ProbeState>(new ProbeState { Handle = $"racer-{i}" }, initial.ETag);
            try
            {
                await storage.WriteStateAsync(StateProbeGrain.StateName, grainId, state);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        });
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(won => won));
        var stored = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync(StateProbeGrain.StateName, grainId, stored);
        Assert.Equal("2", stored.ETag);
    }

    [Fact]
    public async Task WriteStateAsync_SecondFirstWrite_ThrowsInconsistentStateException()
    {
        await using var cluster = await StartClusterAsync();
        var storage = Storage(cluster);
        var grainId = NewGrainId();
        await storage.WriteStateAsync(StateProbeGrain.StateName, grainId, new GrainState<ProbeState>(new ProbeState { Handle = "first" }));

        // A duplicate activation that never read the record holds no ETag: its write must not overwrite.
        var duplicate = new GrainState<ProbeState>(new ProbeState { Handle = "duplicate" });
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(StateProbeGrain.StateName, grainId, duplicate));
        var stored = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync(StateProbeGrain.StateName, grainId, stored);
        Assert.Equal("first", stored.State?.Handle);
    }

    [Fact]
    public async Task ClearStateAsync_AfterWrite_ForgetsStateAcrossRestart()
    {
        var key = NewKey();
        await using (var first = await StartClusterAsync())
        {
            var grain = first.Client.GetGrain<IStateProbeGrain>(key);
            await grain.SetHandleAsync("dave");
            await grain.ClearAsync();
            var cleared = await grain.GetAsync();
            Assert.Null(cleared.Handle);
            Assert.False(cleared.RecordExists, "a cleared state must not count as an existing record");
        }

        await using var second = await StartClusterAsync();
        var reactivated = second.Client.GetGrain<IStateProbeGrain>(key);
        var snapshot = await reactivated.GetAsync();
        Assert.Null(snapshot.Handle);
        Assert.False(snapshot.RecordExists, "a cleared state must stay cleared after a restart");
        Assert.Equal("2", snapshot.ETag);

        // The version survives the clear, so writing again continues from it.
        await reactivated.SetHandleAsync("dave-again");
        Assert.Equal("3", (await reactivated.GetAsync()).ETag);
    }

    [Fact]
    public async Task ClearStateAsync_StaleETag_ThrowsInconsistentStateException()
    {
        await using var cluster = await StartClusterAsync();
        var storage = Storage(cluster);
        var grainId = NewGrainId();
        var initial = new GrainState<ProbeState>(new ProbeState { Handle = "v1" });
        await storage.WriteStateAsync(StateProbeGrain.StateName, grainId, initial);
        var stale = new GrainState<ProbeState>(new ProbeState(), initial.ETag) { RecordExists = true };
        var newer = new GrainState<ProbeState>(new ProbeState { Handle = "v2" }, initial.ETag);
        await storage.WriteStateAsync(StateProbeGrain.StateName, grainId, newer);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.ClearStateAsync(StateProbeGrain.StateName, grainId, stale));
        var stored = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync(StateProbeGrain.StateName, grainId, stored);
        Assert.Equal("v2", stored.State?.Handle);
    }

    protected async Task<InProcessTestCluster> StartClusterAsync(short silos = 1)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        // The same service id across clusters: it is part of the record key, so a restart finds its rows.
        builder.Options.ServiceId = Database.ServiceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.AddXChatGrainStorage(Database.Kind, Database.ConnectionString));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private static IGrainStorage Storage(InProcessTestCluster cluster) =>
        cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(GrainStorageExtensions.ProviderName);

    private static string NewKey() => "user-" + Guid.NewGuid().ToString("N");

    private static GrainId NewGrainId() => GrainId.Create("stateprobe", NewKey());
}
