using Unlearn.Experiments.Graph;
using Unlearn.TestStages;

namespace Unlearn.Experiments.Tests.Graph;

public sealed class CatalogTests
{
    [Fact]
    public void ChainTo_Saliency_IsItsUpstreamClosureInGraphOrder()
    {
        var chain = TestCatalog.Create().ChainTo("Saliency").Select(s => s.Name);

        Assert.Equal(["BuildExamples", "CacheActivations", "Saliency"], chain);
    }

    [Fact]
    public void ChainTo_PruneVocab_NeedsNoOtherStage()
    {
        Assert.Equal(["PruneVocab"], TestCatalog.Create().ChainTo("PruneVocab").Select(s => s.Name));
    }

    [Fact]
    public void Create_StageAssembly_ReplacesBuiltInStagesOfTheSameName()
    {
        var catalog = StageCatalog.Create([typeof(TestCatalog).Assembly.Location]);

        Assert.IsType<TestSaliency>(catalog.Get("Saliency"));
        Assert.Single(catalog.Stages, s => s.Name == "Saliency");
        // Built-in stages the assembly does not replace stay available.
        Assert.Equal(StageCatalog.Default.Stages.Select(s => s.Name).Order(), catalog.Stages.Select(s => s.Name).Intersect(StageCatalog.Default.Stages.Select(s => s.Name)).Order());
    }

    [Fact]
    public void Constructor_TwoStagesWithOneName_IsRefused()
    {
        Assert.Throws<InvalidOperationException>(() => new StageCatalog([new TestSaliency(), new TestSaliency()]));
    }

    [Fact]
    public void Default_ProductStages_AreOnlyRealImplementations()
    {
        // The product assembly may hold only real stages: none of the test doubles' types leak into it.
        Assert.DoesNotContain(StageCatalog.Default.Stages, s => s.GetType().Assembly == typeof(TestCatalog).Assembly);
        Assert.All(StageCatalog.Default.Stages, s => Assert.Contains(s.Name, StageCatalog.GraphOrder));
    }
}
