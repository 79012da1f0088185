using System.Text;
using XChat.Client.Keys;
using XChat.Client.Storage;

namespace XChat.Client.Tests.Storage;

/// <summary>Delivery receipts other devices sent, as the profile keeps them: encrypted, only ever raised, and added to a version-3 profile.</summary>
public sealed class ReceiptStorageTests : IDisposable
{
    private const string Passphrase = "correct horse battery staple";
    private readonly ProfileFixture _alice = new();

    public void Dispose() => _alice.Dispose();

    [Fact]
    public void RecordDelivered_OnlyRaises_SurvivesAReopen_AndIsEncrypted()
    {
        var peer = $"u{Guid.NewGuid():N}";
        var device = ReceiptStore.DeviceKey(peer, 2);
        using (var profile = _alice.Create(IdentityKeyPair.Generate(), Passphrase))
        {
            profile.Receipts.RecordDelivered("d_x", device, 5);
            profile.Receipts.RecordDelivered("d_x", device, 3);
            var known = profile.Receipts.Get("d_x");
            known[device] = known[device] with { ReportedRead = 4 };
            profile.Receipts.Save("d_x", known);
        }

        using (var reopened = DeviceProfile.Open(_alice.Directory, Passphrase))
        {
            var record = reopened.Receipts.Get("d_x")[device];
            Assert.True(record.Delivered == 5, "a lower receipt never lowers what was delivered");
            Assert.Equal((0L, 4L), (record.ReportedDelivered, record.ReportedRead));
            Assert.Empty(reopened.Receipts.Get("d_y"));
        }

        Assert.True(_alice.RawDatabaseBytes().AsSpan().IndexOf(Encoding.UTF8.GetBytes(peer)) < 0, "who received what is encrypted in the file");
    }

    [Theory]
    [InlineData("0123abcd/7", "0123abcd", 7u, true)]
    [InlineData("0123abcd", "", 0u, false)]
    [InlineData("0123abcd/x", "0123abcd", 0u, false)]
    [InlineData("/7", "", 0u, false)]
    public void TryParseDeviceKey_SplitsUserAndDevice(string key, string userId, uint deviceId, bool ok)
    {
        Assert.Equal(ok, ReceiptStore.TryParseDeviceKey(key, out var parsedUser, out var parsedDevice));
        if (ok)
        {
            Assert.Equal((userId, deviceId), (parsedUser, parsedDevice));
        }
    }

    [Fact]
    public void Open_VersionThreeProfile_AddsTheReceiptTable()
    {
        using (_alice.Create(IdentityKeyPair.Generate(), Passphrase))
        {
        }

        // What a profile written before encrypted receipts looks like.
        _alice.RawExecute("DROP TABLE receipts; PRAGMA user_version = 3;");

        using var migrated = DeviceProfile.Open(_alice.Directory, Passphrase);
        migrated.Receipts.RecordDelivered("d_x", ReceiptStore.DeviceKey("u1", 1), 2);
        Assert.Equal(2, migrated.Receipts.Get("d_x")[ReceiptStore.DeviceKey("u1", 1)].Delivered);
    }
}
