using XChat.Grains.Errors;
using XChat.Grains.Users;

namespace XChat.Grains.Tests;

public class HandlesTests
{
    [Theory]
    [InlineData("Alice", "alice")]
    [InlineData("  BOB_99 ", "bob_99")]
    public void Normalize_ValidHandle_ReturnsLowerCase(string input, string expected) =>
        Assert.Equal(expected, Handles.Normalize(input));

    [Theory]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("has space")]
    [InlineData("émile")]
    [InlineData("a23456789012345678901234567890123")]
    public void Normalize_InvalidHandle_Throws(string input) =>
        Assert.Throws<InvalidRequestException>(() => Handles.Normalize(input));
}
