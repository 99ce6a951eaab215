using Federation.Node.Commands;

return await NodeProgram.RunAsync(args);
