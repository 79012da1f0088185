using XChat.Grains.Storage;

namespace XChat.Grains.Tests.Storage;

public class ClientMessageKeyTests
{
    [Fact]
    public void Keys_OfTheSameStrings_AreEqualWithEqualHashes()
    {
        // Separate string instances: equality is by value, not by reference.
        var a = new ClientMessageKey(new string("u1/1".AsSpan()), new string("m-1".AsSpan()));
        var b = new ClientMessageKey("u1/1", "m-1");

        Assert.True(a.Equals(b));
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Theory]
    [InlineData("u1/1", "m-2")] // another message of the same device
    [InlineData("u1/2", "m-1")] // the same id from another device
    [InlineData("u2/1", "m-1")] // the same id from another user
    public void Keys_DifferingInEitherPart_AreNotEqual(string device, string messageId)
    {
        var key = new ClientMessageKey("u1/1", "m-1");
        var other = new ClientMessageKey(device, messageId);

        Assert.False(key.Equals(other));
        Assert.True(key != other);
    }

    [Fact]
    public void Keys_AsDictionaryKeys_FindTheirEntriesOnly()
    {
        var map = new Dictionary<ClientMessageKey, long>();
        for (var i = 0; i < 1000; i++)
        {
            map.Add(new ClientMessageKey($"u{i % 7}/1", $"m-{i}"), i);
        }

        Assert.Equal(1000, map.Count);
        Assert.Equal(500, map[new ClientMessageKey("u3/1", "m-500")]);
        Assert.False(map.ContainsKey(new ClientMessageKey("u4/1", "m-500")));
        Assert.True(map.Remove(new ClientMessageKey("u3/1", "m-500")));
        Assert.False(map.ContainsKey(new ClientMessageKey("u3/1", "m-500")));
    }

    [Fact]
    public void Key_WithNullParts_IsRefused()
    {
        Assert.Throws<ArgumentNullException>(() => new ClientMessageKey(null!, "m-1"));
        Assert.Throws<ArgumentNullException>(() => new ClientMessageKey("u1/1", null!));
    }
}
