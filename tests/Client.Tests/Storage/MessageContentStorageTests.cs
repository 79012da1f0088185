using System.Text;
using XChat.Client.Keys;
using XChat.Client.Storage;

namespace XChat.Client.Tests.Storage;

/// <summary>What edits, deletions, replies and reactions leave in the profile: encrypted, kept across a reopen, and added to a version-2 profile.</summary>
public sealed class MessageContentStorageTests : IDisposable
{
    private const string Passphrase = "correct horse battery staple";
    private readonly ProfileFixture _alice = new();

    public void Dispose() => _alice.Dispose();

    [Fact]
    public async Task ContentState_SavedAndReopened_IsThereAndEncrypted()
    {
        var marker = $"m{Guid.NewGuid():N}";
        using (var profile = _alice.Create(IdentityKeyPair.Generate(), Passphrase))
        {
            await profile.Messages.AddAsync(new StoredMessage("d_x", 1, "bob", "hello", DateTimeOffset.UtcNow));
            await profile.Content.SaveAsync("d_x", 1, new MessageContentState { Edited = true, Reactions = new() { ["u_" + marker] = "👍" } });
            Assert.True(await profile.Messages.ReplaceTextAsync("d_x", 1, "edited " + marker));
            Assert.False(await profile.Messages.ReplaceTextAsync("d_x", 2, "nothing there"));
        }

        using (var reopened = DeviceProfile.Open(_alice.Directory, Passphrase))
        {
            var state = await reopened.Content.GetAsync("d_x", 1);
            Assert.True(state.Edited && state.Reactions["u_" + marker] == "👍", "the state survives a reopen");
            Assert.Equal("edited " + marker, (await reopened.Messages.GetOneAsync("d_x", 1))!.Text);
            Assert.Equal(new MessageContentState().Reactions, (await reopened.Content.GetAsync("d_x", 2)).Reactions);
        }

        Assert.True(_alice.RawDatabaseBytes().AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)) < 0, "content state and edited text are encrypted in the file");
    }

    [Fact]
    public async Task Open_VersionTwoProfile_AddsTheContentTableAndKeepsMessages()
    {
        using (var profile = _alice.Create(IdentityKeyPair.Generate(), Passphrase))
        {
            await profile.Messages.AddAsync(new StoredMessage("d_x", 1, "bob", "hello", DateTimeOffset.UtcNow));
        }

        // What a profile written before content types looks like.
        _alice.RawExecute("DROP TABLE message_content; PRAGMA user_version = 2;");

        using var migrated = DeviceProfile.Open(_alice.Directory, Passphrase);
        Assert.Equal("hello", (await migrated.Messages.GetOneAsync("d_x", 1))!.Text);
        await migrated.Content.SaveAsync("d_x", 1, new MessageContentState { Deleted = true });
        Assert.True((await migrated.Content.GetAsync("d_x", 1)).Deleted);
    }
}
