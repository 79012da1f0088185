using XChat.Client.Errors;
using XChat.Client.Groups;

namespace XChat.Client.Tests.Groups;

public sealed class SenderKeyRotationTests
{
    [Fact]
    public async Task Rotate_AfterRemovingMember_RemovedMemberCannotDecryptLaterMessages()
    {
        var members = await GroupMember.FormAsync("alice", "bob", "carol");
        var (alice, bob, carol) = (members[0], members[1], members[2]);
        Assert.Equal("before", await carol.ReceiveAsync(alice, await alice.SendAsync("before")));

        // Carol is removed: every remaining member rotates and sends the new chain to the others only.
        foreach (var (sender, receiver) in new[] { (alice, bob), (bob, alice) })
        {
            await receiver.ProcessAsync(sender, await sender.RotateAsync());
        }

        foreach (var sender in new[] { alice, bob })
        {
            var receiver = sender == alice ? bob : alice;
            var wire = await sender.SendAsync("after");
            Assert.Equal("after", await receiver.ReceiveAsync(sender, wire));
            await Assert.ThrowsAsync<NoSessionException>(() => carol.ReceiveAsync(sender, wire));
        }
    }

    [Fact]
    public async Task Rotate_RemovedMemberReplaysOldDistribution_StillCannotDecrypt()
    {
        var members = await GroupMember.FormAsync("alice", "bob", "carol");
        var (alice, carol) = (members[0], members[2]);
        var oldDistribution = await alice.DistributionAsync();
        await alice.RotateAsync();
        var wire = await alice.SendAsync("after removal");

        await carol.ProcessAsync(alice, oldDistribution);

        await Assert.ThrowsAsync<NoSessionException>(() => carol.ReceiveAsync(alice, wire));
    }

    [Fact]
    public async Task Rotate_MessagesInFlightOnOldChain_StillDecryptForRemainingMembers()
    {
        var (alice, bob) = await PairAsync();
        var inFlight = await alice.SendAsync("sent before the rotation");
        await bob.ProcessAsync(alice, await alice.RotateAsync());
        var after = await alice.SendAsync("sent after");

        Assert.Equal("sent after", await bob.ReceiveAsync(alice, after));
        Assert.Equal("sent before the rotation", await bob.ReceiveAsync(alice, inFlight));
    }

    [Fact]
    public async Task Process_NewMemberGivenCurrentDistribution_CannotDecryptEarlierMessages()
    {
        var (alice, bob) = await PairAsync();
        var earlier = new List<byte[]>();
        for (var i = 0; i < 5; i++)
        {
            earlier.Add(await alice.SendAsync($"earlier {i}"));
        }

        var dave = new GroupMember("dave", alice.OwnName.DistributionId);
        await dave.ProcessAsync(alice, await alice.DistributionAsync());
        var later = await alice.SendAsync("welcome dave");

        Assert.Equal("welcome dave", await dave.ReceiveAsync(alice, later));
        foreach (var wire in earlier)
        {
            await Assert.ThrowsAsync<InvalidMessageException>(() => dave.ReceiveAsync(alice, wire));
            Assert.StartsWith("earlier", await bob.ReceiveAsync(alice, wire));
        }
    }

    [Fact]
    public async Task Decrypt_StoredStateAfterReading_CannotReopenReadMessages()
    {
        // Forward secrecy inside the chain: once read, a message's key is gone from the store, and the
        // chain key kept there only derives later keys. A stolen copy of the store opens nothing old.
        var (alice, bob) = await PairAsync();
        var read = new List<byte[]>();
        for (var i = 0; i < 8; i++)
        {
            read.Add(await alice.SendAsync($"m{i}"));
            await bob.ReceiveAsync(alice, read[^1]);
        }

        var stolen = new GroupMember("thief", alice.OwnName.DistributionId);
        var record = await bob.Store.LoadSenderKeyAsync(bob.NameOf(alice));
        Assert.NotNull(record);
        await stolen.Store.StoreSenderKeyAsync(stolen.NameOf(alice), record);

        foreach (var wire in read)
        {
            await Assert.ThrowsAsync<DuplicateMessageException>(() => stolen.ReceiveAsync(alice, wire));
        }

        Assert.Equal("next", await stolen.ReceiveAsync(alice, await alice.SendAsync("next")));
    }

    [Fact]
    public async Task Process_RedeliveredDistribution_DoesNotRewindChain()
    {
        var (alice, bob) = await PairAsync();
        var distribution = await alice.DistributionAsync();
        var wire = await alice.SendAsync("once");
        Assert.Equal("once", await bob.ReceiveAsync(alice, wire));

        await bob.ProcessAsync(alice, distribution);

        await Assert.ThrowsAsync<DuplicateMessageException>(() => bob.ReceiveAsync(alice, wire));
    }

    [Fact]
    public async Task DistributionMessage_SerializeDeserialize_RoundTrips()
    {
        var alice = new GroupMember("alice", Guid.NewGuid());
        var bytes = await alice.DistributionAsync();
        var parsed = SenderKeyDistributionMessage.Deserialize(bytes);

        Assert.Equal(SenderKeyDistributionMessage.SerializedSize, bytes.Length);
        Assert.Equal(alice.OwnName.DistributionId, parsed.DistributionId);
        Assert.Equal(0u, parsed.Iteration);
        Assert.Equal(bytes, parsed.Serialize());
        Assert.Throws<InvalidMessageException>(() => SenderKeyDistributionMessage.Deserialize(bytes.AsSpan(1)));
    }

    private static async Task<(GroupMember Alice, GroupMember Bob)> PairAsync()
    {
        var members = await GroupMember.FormAsync("alice", "bob");
        return (members[0], members[1]);
    }
}
