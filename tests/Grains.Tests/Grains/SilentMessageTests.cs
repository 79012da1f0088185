using XChat.Grains.Conversations;
using XChat.Grains.Errors;

namespace XChat.Grains.Tests.Grains;

/// <summary>
/// Silent messages (delivery receipts): per-device ciphertexts to a subset of the members' current devices,
/// stored and read like any message, but not unread and not activity.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SilentMessageTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task AppendAsync_SilentToASubsetOfDevices_IsStoredSilentAndOnlyTheAddressedDeviceGetsACiphertext()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        await TestUsers.AddDevicesAsync(Grains, a);
        await TestUsers.AddDevicesAsync(Grains, b);
        var send = Silent(a, TestSends.Device(b, 2));

        var result = await conversation.AppendAsync(send);

        Assert.Equal(1, result.Seq);
        var row = Assert.Single(await fixture.Store.ReadAfterAsync(conversation.GetPrimaryKeyString(), 0, 10));
        Assert.True(row.Silent, "the store keeps the flag");
        var addressed = Assert.Single((await conversation.ReadAfterAsync(TestSends.Device(b, 2), 0, 10)).Messages);
        Assert.True(addressed.Silent);
        Assert.Equal(send.DeviceCiphertexts[0].Ciphertext, addressed.DeviceCiphertext);
        var other = Assert.Single((await conversation.ReadAfterAsync(TestSends.Device(b, 1), 0, 10)).Messages);
        Assert.True(other.Silent && other.DeviceCiphertext is null, "a device the silent message does not address syncs it without a ciphertext");
    }

    [Fact]
    public async Task AppendAsync_SilentToAnUnknownDeviceOrTheSendingDevice_ThrowsMismatchedWithExtraOnly()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        await TestUsers.AddDevicesAsync(Grains, a);

        var unknown = await Assert.ThrowsAsync<MismatchedDevicesException>(() => conversation.AppendAsync(Silent(a, TestSends.Device(b, 9))));
        var sender = await Assert.ThrowsAsync<MismatchedDevicesException>(() => conversation.AppendAsync(Silent(a, TestSends.Device(b, 1), TestSends.Device(a, 1))));

        Assert.True(unknown.Missing.Count == 0 && sender.Missing.Count == 0, "a silent message need not reach every device");
        Assert.Equal([TestSends.Device(b, 9)], unknown.Extra);
        Assert.Equal([TestSends.Device(a, 1)], sender.Extra);
        Assert.Empty(await fixture.Store.ReadAfterAsync(conversation.GetPrimaryKeyString(), 0, 10));
    }

    [Fact]
    public async Task AppendAsync_SilentWithASharedCiphertextNoDeviceOrTwiceOneDeviceOrANonMember_IsInvalid()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var stranger = await TestUsers.RegisterAsync(Grains);
        var shared = TestSends.Shared(a) with { Silent = true };
        var sharedAndDevice = Silent(a, TestSends.Device(b)) with { SharedCiphertext = [1, 2, 3] };
        var none = Silent(a);
        var twice = Silent(a, TestSends.Device(b), TestSends.Device(b));
        var foreign = Silent(a, TestSends.Device(stranger));

        foreach (var send in new[] { shared, sharedAndDevice, none, twice, foreign })
        {
            await Assert.ThrowsAsync<InvalidRequestException>(() => conversation.AppendAsync(send));
        }

        Assert.Empty(await fixture.Store.ReadAfterAsync(conversation.GetPrimaryKeyString(), 0, 10));
    }

    [Fact]
    public async Task GetChatAsync_SilentMessagesAreNeitherUnreadNorActivity()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var chat = await conversation.AppendAsync(TestSends.ForDevices(a, TestSends.Device(b)));
        await Task.Delay(20); // the receipts commit at a later millisecond than the message
        await conversation.AppendAsync(Silent(a, TestSends.Device(b)));
        var seen = await conversation.GetChatAsync(b, 0);
        var receipt = await conversation.AppendAsync(Silent(b, TestSends.Device(a)));

        var forB = await conversation.GetChatAsync(b, 0);
        var forA = await conversation.GetChatAsync(a, 0);

        Assert.True(receipt.ServerTimestampMs > chat.ServerTimestampMs);
        Assert.Equal((1L, chat.ServerTimestampMs), (seen.Unread, seen.LastActivityMs));
        Assert.True(forB.Unread == 1, "a's silent message is not unread for b");
        Assert.True(forA.Unread == 0, "b's receipt is not unread for a");
        Assert.True(forA.LastActivityMs == chat.ServerTimestampMs && forB.LastActivityMs == chat.ServerTimestampMs,
            "the last activity stays the chat message's time after silent ones");
        Assert.Equal(3, forA.Conversation.LastSeq);
    }

    [Fact]
    public async Task GetChatAsync_OnlySilentMessages_ActivityIsTheCreation()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        var created = (await conversation.GetChatAsync(a, 0)).LastActivityMs;
        await Task.Delay(20);
        await conversation.AppendAsync(Silent(a, TestSends.Device(b)));

        var chat = await conversation.GetChatAsync(b, 0);

        Assert.Equal((0L, created), (chat.Unread, chat.LastActivityMs));
    }

    [Fact]
    public async Task AppendAsync_SilentInABlockedConversation_IsBlocked()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        await conversation.SetBlockAsync(b, a, blocked: true);

        await Assert.ThrowsAsync<BlockedException>(() => conversation.AppendAsync(Silent(a, TestSends.Device(b))));
        await Assert.ThrowsAsync<BlockedException>(() => conversation.AppendAsync(Silent(b, TestSends.Device(a))));
    }

    private static AppendRequest Silent(string userId, params DeviceAddress[] recipients) =>
        TestSends.ForDevices(userId, recipients) with { Silent = true };
}
