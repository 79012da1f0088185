using XChat.Grains.Errors;
using XChat.Grains.Users;

namespace XChat.Grains.Tests.Grains;

/// <summary>Device limits and link expiry, on the cluster with small limits.</summary>
[Collection(TightLimitsClusterCollection.Name)]
public sealed class LinkLimitsTests(TightLimitsClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task ApproveAsync_UserAtMaxDevices_ThrowsLimitReachedAndAddsNothing()
    {
        var user = await TestUsers.RegisterAsync(Grains);
        await TestUsers.AddDevicesAsync(Grains, user, TightLimitsClusterFixture.MaxDevicesPerUser - 1);
        var keys = TestUsers.NewKeys();
        var link = Grains.GetGrain<ILinkGrain>(LinkCodes.New());
        await link.StartAsync(user, keys);

        await Assert.ThrowsAsync<LimitReachedException>(() => link.ApproveAsync(TestSends.Device(user, 1), keys.IdentitySigningKey));

        Assert.Equal(TightLimitsClusterFixture.MaxDevicesPerUser, (await Grains.GetGrain<IUserGrain>(user).GetDeviceIdsAsync()).Count);
    }

    [Fact]
    public async Task ApproveAsync_AfterExpiry_ThrowsNotFoundAndAddsNothing()
    {
        var user = await TestUsers.RegisterAsync(Grains);
        var keys = TestUsers.NewKeys();
        var link = Grains.GetGrain<ILinkGrain>(LinkCodes.New());
        await link.StartAsync(user, keys);
        var waited = await link.WaitForApprovalAsync(TimeSpan.FromSeconds(5)); // returns at expiry

        Assert.Null(waited);
        await Assert.ThrowsAsync<NotFoundException>(() => link.ApproveAsync(TestSends.Device(user, 1), keys.IdentitySigningKey));
        Assert.Equal([1u], await Grains.GetGrain<IUserGrain>(user).GetDeviceIdsAsync());
    }
}
