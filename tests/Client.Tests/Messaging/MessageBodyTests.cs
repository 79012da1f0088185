using System.Text;
using XChat.Client.Messaging;

namespace XChat.Client.Tests.Messaging;

/// <summary>The content format of Protocol/CONTENT.md: what parses, what is rejected, and that replies stay readable as texts.</summary>
public sealed class MessageBodyTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_000);

    [Fact]
    public void Parse_EachContentType_RoundTrips()
    {
        MessageBody[] bodies =
        [
            MessageBody.ForReply("re", 3, "bob", At),
            MessageBody.ForEdit(2, "new", "alice", At),
            MessageBody.ForDelete(2, "alice", At),
            MessageBody.ForReaction(2, "👍🏽", remove: false, "bob", At),
            MessageBody.ForReaction(2, "❤️", remove: true, "bob", At),
        ];

        foreach (var body in bodies)
        {
            var parsed = MessageBody.Parse(body.Serialize());
            Assert.Equal((body.Type, body.Target, body.ReplyTo, body.Text, body.Emoji, body.Remove), (parsed.Type, parsed.Target, parsed.ReplyTo, parsed.Text, parsed.Emoji, parsed.Remove));
        }
    }

    [Fact]
    public void Parse_Receipt_SaysDeliveredThroughASeq()
    {
        var json = MessageBody.ForReceipt(42, "bob", At).Serialize();

        var parsed = MessageBody.Parse(json);

        Assert.Equal((MessageBody.ReceiptType, (long?)42), (parsed.Type, parsed.Delivered));
        Assert.Contains("\"type\":\"receipt\"", Encoding.UTF8.GetString(json));
    }

    [Fact]
    public void Parse_ReplyWrittenByThisVersion_IsATextWithAnExtraField()
    {
        var json = Encoding.UTF8.GetString(MessageBody.ForReply("re", 3, "bob", At).Serialize());

        Assert.Contains("\"type\":\"text\"", json);
        Assert.Contains("\"replyTo\":3", json);
    }

    [Theory]
    [InlineData("""{"v":1,"type":"edit","text":"x","sentAt":1,"from":"a"}""")]
    [InlineData("""{"v":1,"type":"edit","target":0,"text":"x","sentAt":1,"from":"a"}""")]
    [InlineData("""{"v":1,"type":"delete","sentAt":1,"from":"a"}""")]
    [InlineData("""{"v":1,"type":"reaction","target":1,"emoji":"ab","sentAt":1,"from":"a"}""")]
    [InlineData("""{"v":1,"type":"reaction","target":1,"emoji":"👍👍","sentAt":1,"from":"a"}""")]
    [InlineData("""{"v":1,"type":"reaction","target":1,"sentAt":1,"from":"a"}""")]
    [InlineData("""{"v":1,"type":"text","text":"x","replyTo":-1,"sentAt":1,"from":"a"}""")]
    [InlineData("""{"v":2,"type":"text","text":"x","sentAt":1,"from":"a"}""")]
    [InlineData("""{"v":1,"type":"poll","sentAt":1,"from":"a"}""")]
    [InlineData("""{"v":1,"type":"receipt","sentAt":1,"from":"a"}""")]
    [InlineData("""{"v":1,"type":"receipt","delivered":0,"sentAt":1,"from":"a"}""")]
    public void Parse_MalformedOrUnknownContent_IsRejected(string json) =>
        Assert.Throws<FormatException>(() => MessageBody.Parse(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("👍", true)]
    [InlineData("❤️", true)]
    [InlineData("🇫🇷", true)]
    [InlineData("👩‍👩‍👧", true)]
    [InlineData("a", false)]
    [InlineData("7", false)]
    [InlineData(" ", false)]
    [InlineData("", false)]
    [InlineData("👍x", false)]
    public void IsSingleEmoji_AcceptsOneGraphemeOnly(string emoji, bool expected) =>
        Assert.Equal(expected, MessageBody.IsSingleEmoji(emoji));
}
