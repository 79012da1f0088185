using XChat.TestSupport;

namespace XChat.Integration.Tests.Client;

/// <summary>One standalone server shared by the client transport tests (starting one takes seconds).</summary>
/// <remarks>The send rate limit is lifted: tests that are about rate limiting start their own server.</remarks>
public sealed class ClientServerFixture : IAsyncLifetime
{
    public StandaloneServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await StandaloneServer.StartAsync(settings: new Dictionary<string, string?>
    {
        ["XChat:Gateway:SendsPerSecond"] = "10000",
        ["XChat:Gateway:SendBurst"] = "10000",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClientServerCollection : ICollectionFixture<ClientServerFixture>
{
    public const string Name = "client against a standalone server";
}
