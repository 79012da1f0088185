using XChat.Protocol;
using XChat.TestSupport;

namespace XChat.Gateway.Tests;

/// <summary>Link expiry and the devices-per-user limit, each on a server of its own with small settings.</summary>
public sealed class LinkingLimitsTests
{
    [Fact]
    public async Task LinkDevice_CodeExpires_WaiterGetsNotFoundAndApprovalFails()
    {
        await using var server = await StandaloneServer.StartAsync(settings: new Dictionary<string, string?> { ["XChat:Limits:LinkCodeLifetime"] = "00:00:01" });
        var handle = Users.NewHandle();
        var (first, firstIdentity) = await Users.RegisterAsync(server.WebSocketUri, handle);
        await using var _f = first;
        var (pending, _, requestId, code) = await Linking.StartAsync(server.WebSocketUri, handle);
        await using var _p = pending;

        var expired = await pending.ReceiveAsync(TimeSpan.FromSeconds(15));
        var answer = await Linking.ApproveAsync(first, firstIdentity, code.Code);

        Assert.True(expired is null || (expired.RequestId == requestId && expired.Error?.Code == ErrorCode.NotFound),
            $"an expired link ends the wait with NOT_FOUND (or the login deadline closes it), got {expired}");
        Assert.Equal(ErrorCode.NotFound, answer.Error?.Code);
        Assert.Single((await Linking.LookupAsync(first, handle)).Devices);
    }

    [Fact]
    public async Task ApproveLink_UserAtMaxDevices_LimitExceededAndNoDeviceAdded()
    {
        await using var server = await StandaloneServer.StartAsync(settings: new Dictionary<string, string?> { ["XChat:Limits:MaxDevicesPerUser"] = "2" });
        var handle = Users.NewHandle();
        var (first, firstIdentity) = await Users.RegisterAsync(server.WebSocketUri, handle);
        await using var _f = first;
        var (second, _) = await Linking.LinkAsync(server.WebSocketUri, handle, first, firstIdentity);
        await using var _s = second;
        var (third, _, _, code) = await Linking.StartAsync(server.WebSocketUri, handle);
        await using var _t = third;

        var answer = await Linking.ApproveAsync(first, firstIdentity, code.Code);

        Assert.Equal(ErrorCode.LimitExceeded, answer.Error?.Code);
        Assert.Equal(2, (await Linking.LookupAsync(first, handle)).Devices.Count);
    }
}
