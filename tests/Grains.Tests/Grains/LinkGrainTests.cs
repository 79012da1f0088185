using XChat.Grains.Errors;
using XChat.Grains.Users;

namespace XChat.Grains.Tests.Grains;

/// <summary>Pending device links: approval by the user's own device adds the device; anything else adds nothing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LinkGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task ApproveAsync_BySameUsersDevice_AddsDeviceAndWakesTheWaiter()
    {
        var user = await TestUsers.RegisterAsync(Grains);
        var keys = TestUsers.NewKeys();
        var link = Grains.GetGrain<ILinkGrain>(LinkCodes.New());
        await link.StartAsync(user, keys);
        var waiting = link.WaitForApprovalAsync(TimeSpan.FromSeconds(20));

        var registration = await link.ApproveAsync(TestSends.Device(user, 1), keys.IdentitySigningKey);
        var woken = await waiting;

        Assert.Equal(new Registration(user, 2), registration);
        Assert.Equal(registration, woken);
        var profile = await Grains.GetGrain<IUserGrain>(user).GetProfileAsync();
        Assert.Equal([1u, 2u], profile!.Devices.Select(d => d.DeviceId));
        Assert.Equal(keys.IdentitySigningKey, profile.Devices[1].Keys.IdentitySigningKey);
        Assert.Null(await link.GetPendingAsync());
    }

    [Fact]
    public async Task ApproveAsync_ByAnotherUsersDevice_ThrowsForbiddenAndAddsNothing()
    {
        var user = await TestUsers.RegisterAsync(Grains);
        var stranger = await TestUsers.RegisterAsync(Grains);
        var keys = TestUsers.NewKeys();
        var link = Grains.GetGrain<ILinkGrain>(LinkCodes.New());
        await link.StartAsync(user, keys);

        await Assert.ThrowsAsync<ForbiddenException>(() => link.ApproveAsync(TestSends.Device(stranger, 1), keys.IdentitySigningKey));

        Assert.Equal([1u], await Grains.GetGrain<IUserGrain>(user).GetDeviceIdsAsync());
        Assert.NotNull(await link.GetPendingAsync());
    }

    [Fact]
    public async Task ApproveAsync_UnknownCode_ThrowsNotFound()
    {
        var user = await TestUsers.RegisterAsync(Grains);
        var link = Grains.GetGrain<ILinkGrain>(LinkCodes.New());

        await Assert.ThrowsAsync<NotFoundException>(() => link.ApproveAsync(TestSends.Device(user, 1), TestUsers.NewKeys().IdentitySigningKey));
        await Assert.ThrowsAsync<NotFoundException>(() => link.WaitForApprovalAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task ApproveAsync_OverOtherKeysThanPending_ThrowsNotFoundAndAddsNothing()
    {
        var user = await TestUsers.RegisterAsync(Grains);
        var link = Grains.GetGrain<ILinkGrain>(LinkCodes.New());
        await link.StartAsync(user, TestUsers.NewKeys());

        await Assert.ThrowsAsync<NotFoundException>(() => link.ApproveAsync(TestSends.Device(user, 1), TestUsers.NewKeys().IdentitySigningKey));

        Assert.Equal([1u], await Grains.GetGrain<IUserGrain>(user).GetDeviceIdsAsync());
    }

    [Fact]
    public async Task StartAsync_CodeInUse_ThrowsInvalidRequest()
    {
        var user = await TestUsers.RegisterAsync(Grains);
        var link = Grains.GetGrain<ILinkGrain>(LinkCodes.New());
        await link.StartAsync(user, TestUsers.NewKeys());

        await Assert.ThrowsAsync<InvalidRequestException>(() => link.StartAsync(user, TestUsers.NewKeys()));
    }

    [Fact]
    public async Task AddDeviceAsync_SameKeysTwice_ReturnsTheSameDevice()
    {
        var user = await TestUsers.RegisterAsync(Grains);
        var keys = TestUsers.NewKeys();

        var first = await Grains.GetGrain<IUserGrain>(user).AddDeviceAsync(keys);
        var again = await Grains.GetGrain<IUserGrain>(user).AddDeviceAsync(keys);

        Assert.Equal(first, again);
        Assert.Equal([1u, 2u], await Grains.GetGrain<IUserGrain>(user).GetDeviceIdsAsync());
    }

    [Fact]
    public void LinkCodes_New_IsCanonicalBase32OfEightCharacters()
    {
        var code = LinkCodes.New();

        Assert.Equal(code, LinkCodes.Normalize(code.ToLowerInvariant()));
        Assert.Null(LinkCodes.Normalize("ABCDEFG1")); // '1' is not in the base32 alphabet
        Assert.Null(LinkCodes.Normalize("ABC"));
    }
}
