using XChat.Grains.Devices;

namespace XChat.Grains.Tests.Grains;

/// <summary>Delivery cursors: forward only, durable in the message store.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DeviceGrainTests(ClusterFixture fixture)
{
    private static string NewDeviceKey() => $"{Guid.NewGuid():N}/1";

    private static string NewConversationId() => $"g_{Guid.NewGuid():N}";

    [Fact]
    public async Task GetCursorAsync_NeverAcked_ReturnsZero()
    {
        var device = fixture.Client.GetGrain<IDeviceGrain>(NewDeviceKey());

        Assert.Equal(0, await device.GetCursorAsync(NewConversationId()));
        Assert.Empty(await device.GetCursorsAsync());
    }

    [Fact]
    public async Task AckAsync_HigherSeq_MovesCursorForward()
    {
        var device = fixture.Client.GetGrain<IDeviceGrain>(NewDeviceKey());
        var conversation = NewConversationId();

        await device.AckAsync(conversation, 3);
        await device.AckAsync(conversation, 7);

        Assert.Equal(7, await device.GetCursorAsync(conversation));
    }

    [Fact]
    public async Task AckAsync_LowerSeq_IsNoOp()
    {
        var key = NewDeviceKey();
        var device = fixture.Client.GetGrain<IDeviceGrain>(key);
        var conversation = NewConversationId();
        await device.AckAsync(conversation, 9);

        await device.AckAsync(conversation, 4);
        await device.AckAsync(conversation, 9);

        Assert.True(await device.GetCursorAsync(conversation) == 9, "a cursor never moves back");
        Assert.Equal(9, (await fixture.Store.LoadCursorsAsync(key))[conversation]);
    }

    [Fact]
    public async Task AckAsync_ConcurrentAcks_KeepsTheHighest()
    {
        var device = fixture.Client.GetGrain<IDeviceGrain>(NewDeviceKey());
        var conversation = NewConversationId();

        await Task.WhenAll(Enumerable.Range(1, 50).Reverse().Select(seq => device.AckAsync(conversation, seq)));

        Assert.Equal(50, await device.GetCursorAsync(conversation));
    }

    [Fact]
    public async Task GetCursorsAsync_AfterDeactivation_ReturnsCursorsFromStore()
    {
        var device = fixture.Client.GetGrain<IDeviceGrain>(NewDeviceKey());
        var first = NewConversationId();
        var second = NewConversationId();
        await device.AckAsync(first, 5);
        await device.AckAsync(second, 2);

        await fixture.Cluster.DeactivateAsync(device);

        var cursors = await device.GetCursorsAsync();
        Assert.Equal(5, cursors[first]);
        Assert.Equal(2, cursors[second]);
        await device.AckAsync(first, 1);
        Assert.True(await device.GetCursorAsync(first) == 5, "a reactivated device must not let a cursor move back");
    }
}
