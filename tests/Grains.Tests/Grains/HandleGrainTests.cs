using XChat.Grains.Errors;
using XChat.Grains.Users;

namespace XChat.Grains.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class HandleGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task RegisterAsync_FreeHandle_CreatesUserWithDeviceOne()
    {
        var handle = TestUsers.NewHandle();
        var keys = TestUsers.NewKeys();

        var registration = await Grains.GetGrain<IHandleGrain>(handle).RegisterAsync(keys);

        Assert.Equal(1u, registration.DeviceId);
        Assert.Equal(registration.UserId, await Grains.GetGrain<IHandleGrain>(handle).GetUserIdAsync());
        var profile = await Grains.GetGrain<IUserGrain>(registration.UserId).GetProfileAsync();
        Assert.NotNull(profile);
        Assert.Equal(handle, profile.Handle);
        var device = Assert.Single(profile.Devices);
        Assert.Equal(1u, device.DeviceId);
        AssertSameKeys(keys, device.Keys);
    }

    [Fact]
    public async Task GetDeviceKeysAsync_RegisteredDevice_ReturnsUploadedKeys()
    {
        var handle = TestUsers.NewHandle();
        var keys = TestUsers.NewKeys();
        var registration = await Grains.GetGrain<IHandleGrain>(handle).RegisterAsync(keys);
        var user = Grains.GetGrain<IUserGrain>(registration.UserId);

        var stored = await user.GetDeviceKeysAsync(registration.DeviceId);

        Assert.NotNull(stored);
        AssertSameKeys(keys, stored);
        Assert.Null(await user.GetDeviceKeysAsync(registration.DeviceId + 1));
    }

    [Fact]
    public async Task RegisterAsync_HandleAlreadyRegistered_ThrowsHandleTakenAndKeepsOwner()
    {
        var handle = TestUsers.NewHandle();
        var firstKeys = TestUsers.NewKeys();
        var first = await Grains.GetGrain<IHandleGrain>(handle).RegisterAsync(firstKeys);

        await Assert.ThrowsAsync<HandleTakenException>(() => Grains.GetGrain<IHandleGrain>(handle).RegisterAsync(TestUsers.NewKeys()));

        Assert.Equal(first.UserId, await Grains.GetGrain<IHandleGrain>(handle).GetUserIdAsync());
        var profile = await Grains.GetGrain<IUserGrain>(first.UserId).GetProfileAsync();
        Assert.NotNull(profile);
        var device = Assert.Single(profile.Devices);
        AssertSameKeys(firstKeys, device.Keys);
    }

    public static TheoryData<int, int, int> MalformedKeyLengths => new()
    {
        { 31, 32, 64 },
        { 32, 33, 64 },
        { 32, 32, 63 },
        { 0, 32, 64 },
    };

    [Theory]
    [MemberData(nameof(MalformedKeyLengths))]
    public async Task RegisterAsync_MalformedKeys_ThrowsInvalidRequestAndLeavesHandleFree(int signingKey, int agreementKey, int signature)
    {
        var handle = TestUsers.NewHandle();
        var keys = new DeviceKeys(new byte[signingKey], new byte[agreementKey], new byte[signature]);

        await Assert.ThrowsAsync<InvalidRequestException>(() => Grains.GetGrain<IHandleGrain>(handle).RegisterAsync(keys));

        Assert.True(await Grains.GetGrain<IHandleGrain>(handle).GetUserIdAsync() is null,
            "a rejected registration must not claim the handle (bad input changes nothing)");
        var registration = await Grains.GetGrain<IHandleGrain>(handle).RegisterAsync(TestUsers.NewKeys());
        Assert.Equal(1u, registration.DeviceId);
    }

    [Theory]
    [InlineData("Alice_Upper")]
    [InlineData("ab")]
    [InlineData("has space")]
    public async Task RegisterAsync_NonCanonicalHandleKey_ThrowsInvalidRequestAndClaimsNothing(string key)
    {
        var grain = Grains.GetGrain<IHandleGrain>(key);

        await Assert.ThrowsAsync<InvalidRequestException>(() => grain.RegisterAsync(TestUsers.NewKeys()));

        Assert.True(await grain.GetUserIdAsync() is null,
            "only the canonical form of a handle may be claimed, or 'Alice' and 'alice' could be two users");
    }

    [Fact]
    public async Task GetProfileAsync_UnknownUser_ReturnsNull()
    {
        var user = Grains.GetGrain<IUserGrain>(Guid.NewGuid().ToString("N"));

        Assert.Null(await user.GetProfileAsync());
        Assert.Null(await user.GetDeviceKeysAsync(1));
    }

    private static void AssertSameKeys(DeviceKeys expected, DeviceKeys actual)
    {
        Assert.Equal(expected.IdentitySigningKey, actual.IdentitySigningKey);
        Assert.Equal(expected.IdentityAgreementKey, actual.IdentityAgreementKey);
        Assert.Equal(expected.AgreementKeySignature, actual.AgreementKeySignature);
    }
}
