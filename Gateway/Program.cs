using XChat.Gateway.Hosting;

// Cluster mode: a WebSocket gateway that is an Orleans client of the silos (see README, "Cluster mode").
// Standalone mode does not use this process: the silo hosts the gateway itself.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseUrls(builder.Configuration["Urls"] ?? "http://127.0.0.1:5081");
builder.AddXChatClusterClient();
builder.AddXChatObservability().AddXChatClusterClientChecks(builder.Configuration);
builder.Services.AddWebSocketGateway(builder.Configuration);

var app = builder.Build();
app.MapXChatObservability();
app.UseWebSockets();
app.MapWebSocketGateway("/ws");
app.MapGet("/", () => "XChat.Orleans WebSocket gateway");
app.Run();
