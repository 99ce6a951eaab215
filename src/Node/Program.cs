using Federation.Node.Hosting;

return await NodeProgram.RunAsync(args);
