using XChat.Grains.Conversations;
using XChat.Grains.Errors;
using XChat.Grains.Storage;

namespace XChat.Grains.Tests.Grains;

/// <summary>Per-device sends must address exactly the members' current devices, the sender's own excepted.</summary>
[Collection(ClusterCollection.Name)]
public sealed class MismatchedDevicesTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task AppendAsync_MissingRecipientAndOwnOtherDevice_ThrowsMismatchedWithMissingListAndStoresNothing()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        await TestUsers.AddDevicesAsync(Grains, a);
        await TestUsers.AddDevicesAsync(Grains, b);
        var send = TestSends.ForDevices(a, TestSends.Device(b, 1));

        var error = await Assert.ThrowsAsync<MismatchedDevicesException>(() => conversation.AppendAsync(send));

        Assert.Equal([TestSends.Device(a, 2), TestSends.Device(b, 2)], error.Missing.OrderBy(d => d.UserId == a ? 0 : 1));
        Assert.Empty(error.Extra);
        await AssertNothingStoredAsync(conversation, send);
    }

    [Fact]
    public async Task AppendAsync_UnknownDeviceAndSendingDevice_ThrowsMismatchedWithExtraListAndStoresNothing()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var send = TestSends.ForDevices(a, TestSends.Device(b, 1), TestSends.Device(b, 7), TestSends.Device(a, 1));

        var error = await Assert.ThrowsAsync<MismatchedDevicesException>(() => conversation.AppendAsync(send));

        Assert.Empty(error.Missing);
        Assert.Equal([TestSends.Device(a, 1), TestSends.Device(b, 7)], error.Extra.OrderBy(d => d.UserId == a ? 0 : 1));
        await AssertNothingStoredAsync(conversation, send);
    }

    [Fact]
    public async Task AppendAsync_ExactDeviceSet_IsStoredAndEachDeviceReadsItsOwn()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        await TestUsers.AddDevicesAsync(Grains, a);
        await TestUsers.AddDevicesAsync(Grains, b);
        var send = TestSends.ForDevices(a, TestSends.Device(b, 1), TestSends.Device(b, 2), TestSends.Device(a, 2));

        var result = await conversation.AppendAsync(send);

        Assert.Equal(1, result.Seq);
        foreach (var c in send.DeviceCiphertexts)
        {
            var message = Assert.Single((await conversation.ReadAfterAsync(TestSends.Device(c.UserId, c.DeviceId), 0, 10)).Messages);
            Assert.Equal(c.Ciphertext, message.DeviceCiphertext);
        }
    }

    [Fact]
    public async Task AppendAsync_DeviceLinkedAfterASend_NextSendMustIncludeIt()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        await conversation.AppendAsync(TestSends.ForDevices(a, TestSends.Device(b, 1)));
        var added = (await TestUsers.AddDevicesAsync(Grains, b))[0];

        var error = await Assert.ThrowsAsync<MismatchedDevicesException>(() => conversation.AppendAsync(TestSends.ForDevices(a, TestSends.Device(b, 1))));

        Assert.Equal([TestSends.Device(b, added)], error.Missing);
    }

    [Fact]
    public async Task AppendAsync_RetryAfterADeviceWasLinked_GetsItsFirstSeqNotMismatched()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var send = TestSends.ForDevices(a, TestSends.Device(b, 1));
        var first = await conversation.AppendAsync(send);
        await TestUsers.AddDevicesAsync(Grains, b);

        var retry = await conversation.AppendAsync(send);

        Assert.True(retry.Duplicate);
        Assert.Equal(first.Seq, retry.Seq);
        Assert.Equal(first.ServerTimestampMs, retry.ServerTimestampMs);
        Assert.Single((await conversation.ReadAfterAsync(TestSends.Device(b, 1), 0, 10)).Messages);
    }

    [Fact]
    public async Task AppendAsync_SharedCiphertextOnly_IsNotCheckedAgainstDevices()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        await TestUsers.AddDevicesAsync(Grains, b);

        var result = await conversation.AppendAsync(TestSends.Shared(a));

        Assert.Equal(1, result.Seq);
    }

    private async Task AssertNothingStoredAsync(IConversationGrain conversation, AppendRequest rejected)
    {
        var id = conversation.GetPrimaryKeyString();
        Assert.True(await fixture.Store.GetLastSeqAsync(id) == 0, "a rejected send must store nothing");
        Assert.Empty(await fixture.Store.FindByClientIdsAsync(id, [new ClientMessageKey(rejected.Sender.Key, rejected.ClientMessageId)]));
    }
}
