using XChat.Grains.Connections;
using XChat.Grains.Conversations;
using XChat.Grains.Errors;
using XChat.Grains.Live;
using XChat.Grains.Users;

namespace XChat.Grains.Tests.Grains;

/// <summary>Typing fan-out, presence rules and the disappearing timer on the test cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LiveGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task SendTypingAsync_ReachesOtherDevicesNotTheTypingOne()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        await TestUsers.AddDevicesAsync(Grains, a);
        var observer = new RecordingPushObserver();
        var reference = Grains.CreateObjectReference<IPushObserver>(observer);
        await Grains.GetGrain<IUserGrain>(a).SubscribeAsync(1, reference);
        await Grains.GetGrain<IUserGrain>(a).SubscribeAsync(2, reference);
        await Grains.GetGrain<IUserGrain>(b).SubscribeAsync(1, reference);

        await Grains.GetGrain<IConversationLiveGrain>(conversation.GetPrimaryKeyString()).SendTypingAsync(new DeviceAddress(a, 1), true);

        var received = new List<(string UserId, IReadOnlyList<uint> DeviceIds, TypingEvent Typing)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (received.Count < 2)
        {
            received.Add(await observer.Typing.Reader.ReadAsync(timeout.Token));
        }

        Assert.Contains(received, r => r.UserId == b && r.DeviceIds.SequenceEqual([1u]));
        Assert.Contains(received, r => r.UserId == a && r.DeviceIds.SequenceEqual([2u])); // the typing device itself is left out
        Assert.All(received, r => Assert.Equal(new DeviceAddress(a, 1), r.Typing.Device));
        Grains.DeleteObjectReference<IPushObserver>(reference);
    }

    [Fact]
    public async Task SendTypingAsync_NonMember_Forbidden()
    {
        var (_, _, conversation) = await TestUsers.NewDirectAsync(Grains);
        var outsider = await TestUsers.RegisterAsync(Grains);

        await Assert.ThrowsAsync<ForbiddenException>(() =>
            Grains.GetGrain<IConversationLiveGrain>(conversation.GetPrimaryKeyString()).SendTypingAsync(new DeviceAddress(outsider, 1), true));
    }

    [Fact]
    public async Task GetPresenceAsync_SharedConversationOnly_HiddenUnknown()
    {
        var (a, b, _) = await TestUsers.NewDirectAsync(Grains);
        var outsider = await TestUsers.RegisterAsync(Grains);
        var group = await TestUsers.NewGroupAsync(Grains, outsider, a);
        var presence = Grains.GetGrain<IUserPresenceGrain>(b);

        Assert.Equal(PresenceStatus.Offline, (await presence.GetPresenceAsync(a)).Status);
        Assert.Equal(PresenceStatus.Unknown, (await presence.GetPresenceAsync(outsider)).Status);
        Assert.Equal(PresenceStatus.Offline, (await Grains.GetGrain<IUserPresenceGrain>(a).GetPresenceAsync(outsider)).Status); // via the group
        await group.RemoveMemberAsync(outsider, a);
        Assert.Equal(PresenceStatus.Unknown, (await Grains.GetGrain<IUserPresenceGrain>(a).GetPresenceAsync(outsider)).Status);

        await presence.SetPresenceHiddenAsync(true);
        Assert.Equal(PresenceStatus.Unknown, (await presence.GetPresenceAsync(a)).Status);
        Assert.Equal(PresenceStatus.Offline, (await presence.GetPresenceAsync(b)).Status);
        Assert.Equal(PresenceStatus.Unknown, (await Grains.GetGrain<IUserPresenceGrain>(TestUsers.NewHandle()).GetPresenceAsync(a)).Status);
    }

    [Fact]
    public async Task SetDisappearingAsync_OutOfRange_RefusedAndUnchanged()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var live = Grains.GetGrain<IConversationLiveGrain>(conversation.GetPrimaryKeyString());

        Assert.Equal(60_000, (await live.SetDisappearingAsync(a, TimeSpan.FromMinutes(1))).DisappearAfterMs);
        await Assert.ThrowsAsync<InvalidRequestException>(() => live.SetDisappearingAsync(a, TimeSpan.FromDays(366)));
        await Assert.ThrowsAsync<InvalidRequestException>(() => live.SetDisappearingAsync(b, TimeSpan.FromMilliseconds(500)));
        var outsider = await TestUsers.RegisterAsync(Grains);
        await Assert.ThrowsAsync<ForbiddenException>(() => live.SetDisappearingAsync(outsider, TimeSpan.Zero));

        Assert.Equal(60_000, (await conversation.GetAsync(b)).DisappearAfterMs);
        Assert.Equal(0, (await live.SetDisappearingAsync(b, TimeSpan.Zero)).DisappearAfterMs);
    }
}
