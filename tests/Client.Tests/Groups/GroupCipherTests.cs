using XChat.Client.Errors;
using XChat.Client.Groups;

namespace XChat.Client.Tests.Groups;

public sealed class GroupCipherTests
{
    [Fact]
    public async Task Encrypt_ThreeMembersManyMessages_EveryOtherMemberDecrypts()
    {
        var members = await GroupMember.FormAsync("alice", "bob", "carol");
        var random = new Random(3);
        for (var i = 0; i < 60; i++)
        {
            var sender = members[random.Next(members.Length)];
            var text = $"message {i} from {sender.Address}";
            var wire = await sender.SendAsync(text);
            foreach (var receiver in members.Where(member => member != sender))
            {
                Assert.Equal(text, await receiver.ReceiveAsync(sender, wire));
            }
        }
    }

    [Fact]
    public async Task Decrypt_OutOfOrder_EveryMessageDecrypts()
    {
        var (alice, bob) = await PairAsync();
        var sent = new List<(string Text, byte[] Wire)>();
        for (var i = 0; i < 20; i++)
        {
            sent.Add(($"m{i}", await alice.SendAsync($"m{i}")));
        }

        foreach (var (text, wire) in sent.OrderBy(_ => Random.Shared.Next()))
        {
            Assert.Equal(text, await bob.ReceiveAsync(alice, wire));
        }
    }

    [Fact]
    public async Task Decrypt_SameMessageTwice_ThrowsDuplicate()
    {
        var (alice, bob) = await PairAsync();
        var first = await alice.SendAsync("one");
        var later = await alice.SendAsync("two");
        Assert.Equal("two", await bob.ReceiveAsync(alice, later));
        Assert.Equal("one", await bob.ReceiveAsync(alice, first));

        await Assert.ThrowsAsync<DuplicateMessageException>(() => bob.ReceiveAsync(alice, first));
        await Assert.ThrowsAsync<DuplicateMessageException>(() => bob.ReceiveAsync(alice, later));
    }

    [Theory]
    [InlineData(30)] // ciphertext
    [InlineData(-1)] // signature
    [InlineData(22)] // iteration in the header
    public async Task Decrypt_TamperedMessage_ThrowsInvalidAndChainStillWorks(int index)
    {
        var (alice, bob) = await PairAsync();
        var wire = await alice.SendAsync("genuine");
        var tampered = (byte[])wire.Clone();
        tampered[index < 0 ? tampered.Length + index : index] ^= 0x01;

        await Assert.ThrowsAsync<InvalidMessageException>(() => bob.ReceiveAsync(alice, tampered));
        Assert.Equal("genuine", await bob.ReceiveAsync(alice, wire));
    }

    [Fact]
    public async Task Decrypt_MemberForgesAsAnotherMember_ThrowsInvalid()
    {
        // Carol holds Alice's chain key, so she can produce a valid AEAD ciphertext, but not Alice's signature.
        var members = await GroupMember.FormAsync("alice", "bob", "carol");
        var (alice, bob, carol) = (members[0], members[1], members[2]);
        var genuine = await alice.SendAsync("from alice");
        var forged = (byte[])genuine.Clone();
        Random.Shared.NextBytes(forged.AsSpan(forged.Length - 64));

        await Assert.ThrowsAsync<InvalidMessageException>(() => bob.ReceiveAsync(alice, forged));
        Assert.Equal("from alice", await carol.ReceiveAsync(alice, genuine));
    }

    [Fact]
    public async Task Decrypt_TooFarAhead_ThrowsInvalid()
    {
        var (alice, bob) = await PairAsync();
        var store = alice.Store;
        for (var i = 0; i <= SenderKeyLimits.MaxForwardJump; i++)
        {
            await new GroupCipher(store, alice.OwnName).EncryptAsync(new byte[1]);
        }

        var far = await alice.SendAsync("far");

        await Assert.ThrowsAsync<InvalidMessageException>(() => bob.ReceiveAsync(alice, far));
    }

    [Fact]
    public async Task Decrypt_WithoutDistribution_ThrowsNoSession()
    {
        var (alice, _) = await PairAsync();
        var stranger = new GroupMember("mallory", alice.OwnName.DistributionId);
        var wire = await alice.SendAsync("x");

        await Assert.ThrowsAsync<NoSessionException>(() => stranger.ReceiveAsync(alice, wire));
    }

    [Fact]
    public async Task Encrypt_WithoutOwnSenderKey_ThrowsNoSession()
    {
        var alice = new GroupMember("alice", Guid.NewGuid());

        await Assert.ThrowsAsync<NoSessionException>(() => alice.SendAsync("x"));
    }

    [Fact]
    public async Task Decrypt_MessageOfAnotherGroup_ThrowsInvalid()
    {
        var (alice, bob) = await PairAsync();
        var otherGroup = new GroupMember("alice", Guid.NewGuid());
        await otherGroup.DistributionAsync();
        var wire = await otherGroup.SendAsync("elsewhere");

        await Assert.ThrowsAsync<InvalidMessageException>(() => bob.ReceiveAsync(alice, wire));
    }

    private static async Task<(GroupMember Alice, GroupMember Bob)> PairAsync()
    {
        var members = await GroupMember.FormAsync("alice", "bob");
        return (members[0], members[1]);
    }
}
