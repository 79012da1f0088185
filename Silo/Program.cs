using XChat.Silo.Hosting;

// Standalone (default): silo + WebSocket gateway + SQLite in one process, http://127.0.0.1:5080/ws.
// Cluster: XChat__Mode=Cluster, a silo only; gateways run the Gateway project.
// Settings come from the folder of the binary (appsettings.json), data from the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--data-dir"] = "XChat:DataDir", ["--mode"] = "XChat:Mode" });
builder.AddXChatSilo();

var app = builder.Build();
app.MapXChatSilo();
app.MapGet("/", () => "XChat.Orleans silo");
app.Run();
