using XChat.Client.Keys;
using XChat.Client.Messaging;
using XChat.Client.Ratchet;
using XChat.Client.Verification;

namespace XChat.Integration.Tests.E2E;

/// <summary>Safety numbers, verify --accept, and sending refused while a contact's identity changed, through a real standalone server.</summary>
public sealed class VerificationTests : IAsyncLifetime
{
    private E2EWorld _world = null!;

    public async Task InitializeAsync() => _world = await E2EWorld.StartAsync("xchat-verify-");

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task VerifyAccept_MarksTheCurrentKeysVerified_OnBothSidesTheSameNumber()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await alice.SendTextAsync("bob", _world.Text("hi"));

        var shown = await alice.VerifyAsync("bob");
        Assert.Equal(IdentityTrustState.Unverified, shown.State);
        Assert.Equal(shown.SafetyNumber, (await bob.VerifyAsync("alice")).SafetyNumber);

        var accepted = await alice.VerifyAsync("bob", accept: true);
        Assert.Equal(IdentityTrustState.Verified, accepted.State);
        Assert.Equal(shown.SafetyNumber, accepted.SafetyNumber);
        Assert.Equal(IdentityTrustState.Verified, (await alice.VerifyAsync("bob")).State);
        await alice.SendTextAsync("bob", _world.Text("still fine"));
        Assert.Equal(2, (await bob.SyncAsync()).Messages.Count);
    }

    [Fact]
    public async Task VerifiedContact_LinksANewDevice_SendingFailsUntilAccepted()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await alice.SendTextAsync("bob", _world.Text("first"));
        var verified = await alice.VerifyAsync("bob", accept: true);
        var group = await alice.CreateGroupAsync(_world.Text("g"), ["bob"]);

        await using var bob2 = await _world.LinkAsync(bob, "bob2");

        // The keys Alice verified are no longer all of Bob's keys: direct and group sends are refused.
        var direct = await Assert.ThrowsAsync<IdentityChangedException>(() => alice.SendTextAsync("bob", _world.Text("refused")));
        Assert.Equal("bob", direct.Handle);
        Assert.Contains("xchat verify bob --accept", direct.Message);
        await Assert.ThrowsAsync<IdentityChangedException>(() => alice.SendGroupTextAsync(group.Id, _world.Text("refused-group")));
        var changed = await alice.VerifyAsync("bob");
        Assert.Equal(IdentityTrustState.ChangedSinceVerified, changed.State);
        Assert.NotEqual(verified.SafetyNumber, changed.SafetyNumber);

        var accepted = await alice.VerifyAsync("bob", accept: true);
        Assert.Equal(IdentityTrustState.Verified, accepted.State);
        var after = _world.Text("after accept");
        await alice.SendTextAsync("bob", after);
        Assert.Equal([after], (await bob2.SyncAsync()).Messages.Select(m => m.Text));
        Assert.Contains(after, (await bob.SyncAsync()).Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task ChangedIdentityKeyOfAKnownDevice_BlocksSending_UntilAccepted_ThenANewSessionWorks()
    {
        await using var alice = await _world.RegisterAsync("alice");
        await using var bob = await _world.RegisterAsync("bob");
        await alice.SendTextAsync("bob", _world.Text("before"));
        Assert.Single((await bob.SyncAsync()).Messages);

        // Alice's profile holds another key for Bob's device than the server now shows: exactly what a
        // re-installed device, or a server substituting a key, looks like from her side.
        var bobDevice = new ProtocolAddress(bob.UserId, bob.DeviceId);
        Assert.True(await alice.Profile.Identities.SaveIdentityAsync(bobDevice, IdentityKeyPair.Generate().PublicKey));

        var refused = await Assert.ThrowsAsync<IdentityChangedException>(() => alice.SendTextAsync("bob", _world.Text("refused")));
        Assert.Contains("changed", refused.Message);
        Assert.Equal(IdentityTrustState.ChangedSinceVerified, (await alice.VerifyAsync("bob")).State);
        Assert.Empty((await bob.SyncAsync()).Messages);

        Assert.Equal(IdentityTrustState.Verified, (await alice.VerifyAsync("bob", accept: true)).State);
        var after = _world.Text("after");
        await alice.SendTextAsync("bob", after);
        var got = await bob.SyncAsync();
        Assert.Empty(got.Failures);
        Assert.Equal([after], got.Messages.Select(m => m.Text));
        var reply = _world.Text("reply");
        await bob.SendTextAsync("alice", reply);
        Assert.Equal([reply], (await alice.SyncAsync()).Messages.Select(m => m.Text));
    }
}
