using XChat.Grains.Connections;
using XChat.Grains.Errors;
using XChat.Grains.Users;

namespace XChat.Grains.Tests.Grains;

/// <summary>A committed message reaches the push observers of the recipients' online devices.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PushFanOutTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task AppendAsync_RecipientSubscribed_PushesMessageWithOnlyItsDeviceCiphertexts()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var observer = new RecordingPushObserver();
        var reference = Grains.CreateObjectReference<IPushObserver>(observer);
        await Grains.GetGrain<IUserGrain>(b).SubscribeAsync(1, reference);
        await TestUsers.AddDevicesAsync(Grains, a);
        await TestUsers.AddDevicesAsync(Grains, b);
        var send = TestSends.ForDevices(a, TestSends.Device(b, 1), TestSends.Device(b, 2), TestSends.Device(a, 2));

        var result = await conversation.AppendAsync(send);
        var push = await observer.NextAsync();

        Assert.Equal(b, push.UserId);
        Assert.Equal([1u], push.DeviceIds);
        Assert.Equal(result.Seq, push.Message.Message.Seq);
        Assert.Equal(send.ClientMessageId, push.Message.Message.ClientMessageId);
        Assert.Equal(conversation.GetPrimaryKeyString(), push.Message.Message.ConversationId);
        Assert.True(push.Message.DeviceCiphertexts.All(c => c.UserId == b),
            "a user's push carries that user's per-device ciphertexts only");
        Assert.Equal(send.DeviceCiphertexts.Where(c => c.UserId == b).Select(c => (c.DeviceId, c.Ciphertext)),
            push.Message.DeviceCiphertexts.Select(c => (c.DeviceId, c.Ciphertext)));
        Grains.DeleteObjectReference<IPushObserver>(reference);
    }

    [Fact]
    public async Task AppendAsync_GroupWithSubscribedMembers_PushesToEachMemberButTheSendingDevice()
    {
        var users = await TestUsers.RegisterManyAsync(Grains, 3);
        var conversation = await TestUsers.NewGroupAsync(Grains, users[0], users[1], users[2]);
        var observers = new Dictionary<string, RecordingPushObserver>();
        var references = new List<IPushObserver>();
        foreach (var user in users)
        {
            observers[user] = new RecordingPushObserver();
            references.Add(Grains.CreateObjectReference<IPushObserver>(observers[user]));
            await Grains.GetGrain<IUserGrain>(user).SubscribeAsync(1, references[^1]);
        }

        var send = TestSends.Shared(users[1]);
        var result = await conversation.AppendAsync(send);

        foreach (var user in users.Where(u => u != users[1]))
        {
            var push = await observers[user].NextAsync();
            Assert.Equal(user, push.UserId);
            Assert.Equal(result.Seq, push.Message.Message.Seq);
            Assert.Equal(send.SharedCiphertext, push.Message.Message.SharedCiphertext);
        }

        // The others' pushes have arrived; the sender's would have been sent at the same time.
        await Task.Delay(200);
        Assert.False(observers[users[1]].HasPending, "the sending device learns its seq from the send, not from a push");

        references.ForEach(Grains.DeleteObjectReference<IPushObserver>);
    }

    [Fact]
    public async Task AppendAsync_DuplicateRetry_IsNotPushedAgain()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var observer = new RecordingPushObserver();
        var reference = Grains.CreateObjectReference<IPushObserver>(observer);
        await Grains.GetGrain<IUserGrain>(b).SubscribeAsync(1, reference);
        var send = TestSends.Shared(a);

        await conversation.AppendAsync(send);
        await conversation.AppendAsync(send);
        var marker = await conversation.AppendAsync(TestSends.Shared(a));

        Assert.Equal(1, (await observer.NextAsync()).Message.Message.Seq);
        Assert.True((await observer.NextAsync()).Message.Message.Seq == marker.Seq, "a duplicate send is not pushed a second time");
        Grains.DeleteObjectReference<IPushObserver>(reference);
    }

    [Fact]
    public async Task UnsubscribeAsync_ThenAppend_PushesOnlyToRemainingObserver()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var leaving = new RecordingPushObserver();
        var staying = new RecordingPushObserver();
        var leavingReference = Grains.CreateObjectReference<IPushObserver>(leaving);
        var stayingReference = Grains.CreateObjectReference<IPushObserver>(staying);
        var user = Grains.GetGrain<IUserGrain>(b);
        await user.SubscribeAsync(1, leavingReference);
        await user.SubscribeAsync(1, stayingReference);

        await user.UnsubscribeAsync(1, leavingReference);
        await conversation.AppendAsync(TestSends.Shared(a));

        await staying.NextAsync();
        // One user grain sends both pushes in one pass: once the staying one has its push, any push
        // to the leaving one was sent too. The short wait only lets it arrive if it was.
        await Task.Delay(200);
        Assert.False(leaving.HasPending, "an unsubscribed observer gets no pushes");
        Grains.DeleteObjectReference<IPushObserver>(leavingReference);
        Grains.DeleteObjectReference<IPushObserver>(stayingReference);
    }

    [Fact]
    public async Task SubscribeAsync_FirstThenRenewed_ReportsOnlyTheFirstAsNew()
    {
        var user = await TestUsers.RegisterAsync(Grains);
        var reference = Grains.CreateObjectReference<IPushObserver>(new RecordingPushObserver());
        var grain = Grains.GetGrain<IUserGrain>(user);

        var first = await grain.SubscribeAsync(1, reference);
        var renewed = await grain.SubscribeAsync(1, reference);

        Assert.True(first, "a new subscription tells the gateway that pushes may have been missed");
        Assert.False(renewed, "renewing a live subscription is not news");
        Grains.DeleteObjectReference<IPushObserver>(reference);
    }

    [Fact]
    public async Task SubscribeAsync_UnknownDevice_ThrowsNotFound()
    {
        var user = await TestUsers.RegisterAsync(Grains);
        var reference = Grains.CreateObjectReference<IPushObserver>(new RecordingPushObserver());

        await Assert.ThrowsAsync<NotFoundException>(() => Grains.GetGrain<IUserGrain>(user).SubscribeAsync(2, reference));
        Grains.DeleteObjectReference<IPushObserver>(reference);
    }
}
