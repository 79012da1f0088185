using XChat.Grains.Attachments;
using XChat.Grains.Conversations;

namespace XChat.Grains.Tests;

public class IdentifiersTests
{
    private const string UserA = "0123456789abcdef0123456789abcdef";
    private const string UserB = "fedcba9876543210fedcba9876543210";

    [Fact]
    public void LowerHexId_ThirtyTwoLowerHexDigits_IsWellFormed()
    {
        Assert.True(Identifiers.IsLowerHexId(UserA));
        Assert.True(AttachmentIds.IsWellFormed(AttachmentIds.New()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789abcde")] // 31
    [InlineData("0123456789abcdef0123456789abcdef0")] // 33
    [InlineData("0123456789ABCDEF0123456789abcdef")] // upper case
    [InlineData("0123456789abcdef0123456789abcdeg")] // not hex
    [InlineData("0123456789abcdef0123456789abcde\u0661")] // a non-ASCII digit (Arabic-Indic one)
    [InlineData("0123456789abcdef0123456789abcd_f")]
    public void LowerHexId_AnythingElse_IsRejected(string? id)
    {
        Assert.False(Identifiers.IsLowerHexId(id));
        Assert.False(AttachmentIds.IsWellFormed(id));
    }

    [Fact]
    public void ConversationId_DirectAndGroupIds_AreWellFormed()
    {
        Assert.True(ConversationIds.IsWellFormed(ConversationIds.ForDirect(UserA, UserB)));
        Assert.True(ConversationIds.IsWellFormed(ConversationIds.NewGroup()));
        Assert.True(ConversationIds.IsWellFormed("g_Mixed_Case_09"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("x_abc")] // neither d_ nor g_
    [InlineData("g_abc-def")]
    [InlineData("g_abc def")]
    [InlineData("g_caf\u00e9")] // a non-ASCII letter
    [InlineData("d_abc\u0661")] // a non-ASCII digit
    [InlineData("g_abc\0")]
    public void ConversationId_OtherShapes_AreRejected(string? id) =>
        Assert.False(ConversationIds.IsWellFormed(id));

    [Fact]
    public void ConversationId_LongerThanMaximum_IsRejected()
    {
        Assert.True(ConversationIds.IsWellFormed("g_" + new string('a', ConversationIds.MaxLength - 2)));
        Assert.False(ConversationIds.IsWellFormed("g_" + new string('a', ConversationIds.MaxLength - 1)));
    }
}
