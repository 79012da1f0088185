using XChat.Grains.Conversations;

namespace XChat.Grains.Tests.Grains;

/// <summary>Paging the log, and what each reading device gets to see.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ConversationGrainReadTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task ReadAfterAsync_FiveMessagesPagesOfTwo_PagesAscendingWithHasMore()
    {
        var (a, conversation) = await WithMessagesAsync(5);
        var reader = TestSends.Device(a);

        var first = await conversation.ReadAfterAsync(reader, 0, 2);
        var second = await conversation.ReadAfterAsync(reader, first.Messages[^1].Seq, 2);
        var last = await conversation.ReadAfterAsync(reader, second.Messages[^1].Seq, 2);
        var beyond = await conversation.ReadAfterAsync(reader, 5, 2);

        Assert.Equal([1L, 2L], first.Messages.Select(m => m.Seq));
        Assert.Equal([3L, 4L], second.Messages.Select(m => m.Seq));
        Assert.Equal([5L], last.Messages.Select(m => m.Seq));
        Assert.True(first.HasMore && second.HasMore, "HasMore is true while later messages exist");
        Assert.False(last.HasMore, "HasMore is false on the last page");
        Assert.Empty(beyond.Messages);
        Assert.All(new[] { first, second, last, beyond }, p => Assert.Equal(5, p.LastSeq));
    }

    [Fact]
    public async Task ReadBeforeAsync_FromNewestPagesOfTwo_PagesDescendingWithHasMore()
    {
        var (a, conversation) = await WithMessagesAsync(5);
        var reader = TestSends.Device(a);

        var newest = await conversation.ReadBeforeAsync(reader, 0, 2);
        var older = await conversation.ReadBeforeAsync(reader, newest.Messages[^1].Seq, 2);
        var oldest = await conversation.ReadBeforeAsync(reader, older.Messages[^1].Seq, 2);

        Assert.Equal([5L, 4L], newest.Messages.Select(m => m.Seq));
        Assert.Equal([3L, 2L], older.Messages.Select(m => m.Seq));
        Assert.Equal([1L], oldest.Messages.Select(m => m.Seq));
        Assert.True(newest.HasMore && older.HasMore, "HasMore is true while earlier messages exist");
        Assert.False(oldest.HasMore, "HasMore is false on the page that reaches seq 1");
    }

    [Fact]
    public async Task ReadAfterAsync_PerDeviceCiphertexts_EachDeviceSeesOnlyItsOwn()
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        await TestUsers.AddDevicesAsync(Grains, a);
        await TestUsers.AddDevicesAsync(Grains, b);
        var send = TestSends.ForDevices(a, TestSends.Device(b, 1), TestSends.Device(b, 2), TestSends.Device(a, 2)) with { SharedCiphertext = [7, 7, 7] };
        await conversation.AppendAsync(send);

        foreach (var recipient in send.DeviceCiphertexts)
        {
            var reader = TestSends.Device(recipient.UserId, recipient.DeviceId);
            var message = Assert.Single((await conversation.ReadAfterAsync(reader, 0, 10)).Messages);
            Assert.Equal(recipient.Ciphertext, message.DeviceCiphertext);
            Assert.Equal(send.SharedCiphertext, message.SharedCiphertext);
        }

        var sender = Assert.Single((await conversation.ReadBeforeAsync(TestSends.Device(a, 1), 0, 10)).Messages);
        Assert.True(sender.DeviceCiphertext is null, "a device without a ciphertext of its own gets none, never another device's");
        Assert.Equal(send.SharedCiphertext, sender.SharedCiphertext);
        Assert.Equal(send.ClientMessageId, sender.ClientMessageId);
        Assert.Equal(TestSends.Device(a, 1), sender.Sender);
    }

    private async Task<(string Reader, IConversationGrain Conversation)> WithMessagesAsync(int count)
    {
        var (a, b, conversation) = await TestUsers.NewDirectAsync(Grains);
        for (var i = 0; i < count; i++)
        {
            await conversation.AppendAsync(TestSends.Shared(i % 2 == 0 ? a : b));
        }

        return (a, conversation);
    }
}
