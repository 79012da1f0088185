using XChat.Grains.Devices;
using XChat.Grains.Errors;

namespace XChat.Grains.Tests.Grains;

/// <summary>Prekeys on the device grain: one-time keys handed out exactly once, then the fallbacks; uploads validated as a whole.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DeviceGrainPreKeyTests(ClusterFixture fixture)
{
    private IDeviceGrain NewDevice() => fixture.Client.GetGrain<IDeviceGrain>(TestPreKeys.NewDeviceKey());

    [Fact]
    public async Task FetchBundleAsync_FiftyConcurrentFetchersForTwentyKeys_HandsOutEachOneTimeKeyOnce()
    {
        var device = NewDevice();
        var upload = TestPreKeys.Initial(oneTime: 20, kemOneTime: 20);
        await device.UploadPreKeysAsync(upload);

        var bundles = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => device.FetchBundleAsync()));

        var oneTimeIds = bundles.Where(b => b.OneTimePreKey is not null).Select(b => b.OneTimePreKey!.KeyId).ToArray();
        Assert.True(oneTimeIds.Length == 20, "exactly as many bundles carry a one-time key as there were keys");
        Assert.Equal(upload.OneTimePreKeys.Select(k => k.KeyId).Order(), oneTimeIds.Order());
        var kemOneTimeIds = bundles.Where(b => !b.KemPreKeyIsLastResort).Select(b => b.KemPreKey.KeyId).ToArray();
        Assert.Equal(upload.KemOneTimePreKeys.Select(k => k.KeyId).Order(), kemOneTimeIds.Order());
        var fallbacks = bundles.Where(b => b.KemPreKeyIsLastResort).ToArray();
        Assert.Equal(30, fallbacks.Length);
        Assert.All(fallbacks, b => Assert.Equal(upload.KemLastResortPreKey!.KeyId, b.KemPreKey.KeyId));
        Assert.All(fallbacks, b => Assert.Null(b.OneTimePreKey));
        Assert.Equal(new PreKeyCounts(0, 0), await device.GetPreKeyCountsAsync());
    }

    [Fact]
    public async Task FetchBundleAsync_AfterDeactivation_DoesNotHandOutTakenKeysAgain()
    {
        var device = NewDevice();
        await device.UploadPreKeysAsync(TestPreKeys.Initial(oneTime: 2, kemOneTime: 2));
        var first = await device.FetchBundleAsync();

        await fixture.Cluster.DeactivateAsync(device);
        var second = await device.FetchBundleAsync();
        var third = await device.FetchBundleAsync();

        Assert.NotEqual(first.OneTimePreKey!.KeyId, second.OneTimePreKey!.KeyId);
        Assert.NotEqual(first.KemPreKey.KeyId, second.KemPreKey.KeyId);
        Assert.True(third.OneTimePreKey is null && third.KemPreKeyIsLastResort, "a key taken before deactivation stays taken: it was written before it was returned");
    }

    [Fact]
    public async Task FetchBundleAsync_EachFetch_DecreasesRemainingCounts()
    {
        var device = NewDevice();
        Assert.Equal(new PreKeyCounts(3, 2), await device.UploadPreKeysAsync(TestPreKeys.Initial(oneTime: 3, kemOneTime: 2)));

        var first = await device.FetchBundleAsync();
        var second = await device.FetchBundleAsync();

        Assert.Equal(new PreKeyCounts(2, 1), first.Remaining);
        Assert.Equal(new PreKeyCounts(1, 0), second.Remaining);
        Assert.Equal(new PreKeyCounts(1, 0), await device.GetPreKeyCountsAsync());
    }

    [Fact]
    public async Task UploadPreKeysAsync_AfterExhaustion_ReplenishesOneTimeKeys()
    {
        var device = NewDevice();
        await device.UploadPreKeysAsync(TestPreKeys.Initial(oneTime: 1, kemOneTime: 1));
        await device.FetchBundleAsync();
        Assert.True((await device.FetchBundleAsync()).KemPreKeyIsLastResort, "without one-time KEM keys the last resort is handed out");

        var counts = await device.UploadPreKeysAsync(TestPreKeys.OneTimeOnly(TestPreKeys.OneTimeRange(10, 5), TestPreKeys.KemRange(10, 4)));
        var bundle = await device.FetchBundleAsync();

        Assert.Equal(new PreKeyCounts(5, 4), counts);
        Assert.Equal(10u, bundle.OneTimePreKey?.KeyId);
        Assert.False(bundle.KemPreKeyIsLastResort);
        Assert.Equal(10u, bundle.KemPreKey.KeyId);
        Assert.Equal(new PreKeyCounts(4, 3), bundle.Remaining);
    }

    [Fact]
    public async Task UploadPreKeysAsync_NewSignedAndLastResortKeys_ReplaceTheOldOnes()
    {
        var device = NewDevice();
        await device.UploadPreKeysAsync(TestPreKeys.Initial(oneTime: 2, kemOneTime: 0));
        var rotatedSigned = TestPreKeys.Signed(2);
        var rotatedLastResort = TestPreKeys.Kem(1001);

        await device.UploadPreKeysAsync(new PreKeyUpload(rotatedSigned, [], rotatedLastResort, []));
        var bundle = await device.FetchBundleAsync();

        Assert.Equal(rotatedSigned.KeyId, bundle.SignedPreKey.KeyId);
        Assert.Equal(rotatedSigned.PublicKey, bundle.SignedPreKey.PublicKey);
        Assert.Equal(rotatedLastResort.KeyId, bundle.KemPreKey.KeyId);
        Assert.True(bundle.Remaining.OneTimePreKeys == 1, "rotating the signed prekey keeps the one-time keys");
    }

    public static TheoryData<string> BadUploads => new()
    {
        "signed key 31 bytes", "signed signature 63 bytes", "one-time key 33 bytes", "KEM key 1183 bytes",
        "KEM signature missing", "last-resort key 1185 bytes", "one-time id twice", "KEM id twice", "empty",
    };

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task UploadPreKeysAsync_BadShape_ThrowsInvalidRequestAndStoresNothing(string scenario)
    {
        var device = NewDevice();
        var original = TestPreKeys.Initial(oneTime: 2, kemOneTime: 2);
        await device.UploadPreKeysAsync(original);
        var good = new PreKeyUpload(TestPreKeys.Signed(5), TestPreKeys.OneTimeRange(20, 3), TestPreKeys.Kem(2000), TestPreKeys.KemRange(20, 3));
        var bad = scenario switch
        {
            "signed key 31 bytes" => good with { SignedPreKey = good.SignedPreKey! with { PublicKey = new byte[31] } },
            "signed signature 63 bytes" => good with { SignedPreKey = good.SignedPreKey! with { Signature = new byte[63] } },
            "one-time key 33 bytes" => good with { OneTimePreKeys = [.. good.OneTimePreKeys, new OneTimePreKey(99, new byte[33])] },
            "KEM key 1183 bytes" => good with { KemOneTimePreKeys = [.. good.KemOneTimePreKeys, good.KemOneTimePreKeys[0] with { KeyId = 99, PublicKey = new byte[1183] }] },
            "KEM signature missing" => good with { KemOneTimePreKeys = [.. good.KemOneTimePreKeys, good.KemOneTimePreKeys[0] with { KeyId = 99, Signature = [] }] },
            "last-resort key 1185 bytes" => good with { KemLastResortPreKey = good.KemLastResortPreKey! with { PublicKey = new byte[1185] } },
            "one-time id twice" => good with { OneTimePreKeys = [.. good.OneTimePreKeys, TestPreKeys.OneTime(20)] },
            "KEM id twice" => good with { KemLastResortPreKey = TestPreKeys.Kem(20) },
            "empty" => new PreKeyUpload(null, [], null, []),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };

        await Assert.ThrowsAsync<InvalidRequestException>(() => device.UploadPreKeysAsync(bad));

        await AssertUnchangedAsync(device, original);
    }

    [Fact]
    public async Task UploadPreKeysAsync_IdsAlreadyStored_ThrowsInvalidRequestAndStoresNothing()
    {
        var device = NewDevice();
        var original = TestPreKeys.Initial(oneTime: 2, kemOneTime: 2);
        await device.UploadPreKeysAsync(original);

        await Assert.ThrowsAsync<InvalidRequestException>(() => device.UploadPreKeysAsync(
            TestPreKeys.OneTimeOnly([TestPreKeys.OneTime(50), TestPreKeys.OneTime(2)], [])));
        await Assert.ThrowsAsync<InvalidRequestException>(() => device.UploadPreKeysAsync(
            TestPreKeys.OneTimeOnly([], [TestPreKeys.Kem(original.KemLastResortPreKey!.KeyId)])));
        await Assert.ThrowsAsync<InvalidRequestException>(() => device.UploadPreKeysAsync(
            new PreKeyUpload(null, [], TestPreKeys.Kem(original.KemOneTimePreKeys[1].KeyId), [])));

        await AssertUnchangedAsync(device, original);
    }

    [Fact]
    public async Task UploadPreKeysAsync_OverMaximumCount_ThrowsLimitReachedAndStoresNothing()
    {
        var device = NewDevice();
        var original = TestPreKeys.Initial(oneTime: 2, kemOneTime: 2);
        await device.UploadPreKeysAsync(original);

        // The defaults: 100 of each kind.
        await Assert.ThrowsAsync<LimitReachedException>(() => device.UploadPreKeysAsync(TestPreKeys.OneTimeOnly(TestPreKeys.OneTimeRange(100, 99), [])));
        await Assert.ThrowsAsync<LimitReachedException>(() => device.UploadPreKeysAsync(TestPreKeys.OneTimeOnly([], TestPreKeys.KemRange(100, 99))));
        await AssertUnchangedAsync(device, original);

        // AssertUnchangedAsync took one key of each kind: one is left, and up to the maximum fits.
        Assert.Equal(new PreKeyCounts(100, 100), await device.UploadPreKeysAsync(
            TestPreKeys.OneTimeOnly(TestPreKeys.OneTimeRange(100, 99), TestPreKeys.KemRange(100, 99))));
    }

    [Fact]
    public async Task FetchBundleAsync_NothingUploaded_ThrowsNotFound()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => NewDevice().FetchBundleAsync());
    }

    [Fact]
    public async Task FetchBundleAsync_NoKemPreKey_ThrowsNotFoundAndTakesNoOneTimeKey()
    {
        var device = NewDevice();
        await device.UploadPreKeysAsync(new PreKeyUpload(TestPreKeys.Signed(1), TestPreKeys.OneTimeRange(1, 3), null, []));

        await Assert.ThrowsAsync<NotFoundException>(() => device.FetchBundleAsync());

        Assert.True((await device.GetPreKeyCountsAsync()).OneTimePreKeys == 3, "a bundle that cannot be complete takes no one-time key");
    }

    [Fact]
    public async Task FetchBundleAsync_OneTimeKemKeysButNoLastResort_HandsThemOutThenThrowsNotFound()
    {
        var device = NewDevice();
        await device.UploadPreKeysAsync(new PreKeyUpload(TestPreKeys.Signed(1), [], null, TestPreKeys.KemRange(1, 1)));

        var bundle = await device.FetchBundleAsync();

        Assert.False(bundle.KemPreKeyIsLastResort);
        Assert.Null(bundle.OneTimePreKey);
        await Assert.ThrowsAsync<NotFoundException>(() => device.FetchBundleAsync());
    }

    /// <summary>The device still has exactly the keys of <paramref name="original"/> (checked by taking one bundle).</summary>
    private static async Task AssertUnchangedAsync(IDeviceGrain device, PreKeyUpload original)
    {
        Assert.Equal(new PreKeyCounts(original.OneTimePreKeys.Count, original.KemOneTimePreKeys.Count), await device.GetPreKeyCountsAsync());
        var bundle = await device.FetchBundleAsync();
        Assert.Equal(original.SignedPreKey!.PublicKey, bundle.SignedPreKey.PublicKey);
        Assert.Equal(original.OneTimePreKeys[0].PublicKey, bundle.OneTimePreKey?.PublicKey);
        Assert.Equal(original.KemOneTimePreKeys[0].PublicKey, bundle.KemPreKey.PublicKey);
    }
}
