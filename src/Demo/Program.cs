using System.CommandLine;
using Federation.Demo;

var treeOption = new Option<DirectoryInfo?>("--tree") { Description = "Directory of the demo tree's node configs (default: config/demo-tree of the repository)." };
var personsOption = new Option<int>("--persons") { Description = "Synthetic persons per city (default 2000).", DefaultValueFactory = _ => 2000 };
var exitOption = new Option<bool>("--exit") { Description = "Stop the nodes after the summary instead of serving until Ctrl-C." };
var postgresOption = new Option<bool>("--ministry-postgresql")
{
    Description = "Run the ministry's store on PostgreSQL: the demo starts a throwaway cluster of Debian's postgresql (initdb/pg_ctl) in data/demo/postgresql and stops it at the end.",
};
var root = new RootCommand("Run the demo tree: start every node of config/demo-tree, generate and import data into the cities, seal, pull up to the ministry, print a summary and a routed verification, serve until Ctrl-C.")
{
    treeOption, personsOption, exitOption, postgresOption,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var persons = parse.GetValue(personsOption);
    if (persons is < 10 or > 10_000_000)
    {
        await Console.Error.WriteLineAsync($"--persons must be between 10 and 10000000, got {persons}.");
        return 2;
    }
    return await DemoCommand.RunAsync(parse.GetValue(treeOption), persons, parse.GetValue(exitOption), parse.GetValue(postgresOption), cancellationToken);
});
return await root.Parse(args).InvokeAsync();
