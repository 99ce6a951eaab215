namespace Federation.Node.Registration;

/// <summary>The registration part of the node's composition root (<c>Host/NodeComposition.cs</c>).</summary>
internal static class RegistrationServices
{
    /// <summary>The registration service's journal and desk: what the daemon and its commands share.</summary>
    public static IServiceCollection AddRegistration(this IServiceCollection services, NodeConfiguration config)
    {
        RegistrationJournals.AddRegistrationJournal(services, config);
        services.AddSingleton<RegistrationSignals>();
        services.AddSingleton<RegistrationDesk>();
        // The desk takes part in every seal (its lock and order) without the sealer knowing it.
        services.AddSingleton<Sealing.ISealParticipant, RegistrationSealing>();
        services.AddSingleton<FeedCheck>();
        return services;
    }

    /// <summary>The daemon's side: the links that receive the children's registration feeds.</summary>
    public static IServiceCollection AddRegistrationLinks(this IServiceCollection services)
    {
        services.AddSingleton<RegistrationLinks>();
        services.AddHostedService(provider => provider.GetRequiredService<RegistrationLinks>());
        return services;
    }
}
