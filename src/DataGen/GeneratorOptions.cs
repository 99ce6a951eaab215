namespace Federation.DataGen;

/// <summary>What to generate.</summary>
public sealed class GeneratorOptions
{
    /// <summary>The city (prefecture, PPCC00) whose export this is; records are handled by its counties.</summary>
    public string CityCode { get; set; } = "440100";

    /// <summary>Number of persons (10³ … 10⁷). Registrations scale with it.</summary>
    public int Persons { get; set; } = 1000;

    /// <summary>Seed: the same seed and options give byte-identical files.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Fraction of rows made defective (0 … 0.5), spread over every defect kind.</summary>
    public double DefectRate { get; set; }

    /// <summary>The data's as-of date: no date in the export is later.</summary>
    public DateOnly AsOf { get; set; } = new(2026, 10, 31);

    /// <summary>Sequence offset for certificate numbers and record ids, so several exports of one city don't collide.</summary>
    public int IdOffset { get; set; }
}
