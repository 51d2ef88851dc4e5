// Writing a model as a Hugging Face folder and loading it back gives the same model.
using Unlearn.Models.Transformer;

namespace Unlearn.Models.Tests.Transformer;

public class ModelFolderWriterTests
{
    [Theory]
    [InlineData("qwen2-mini")]
    [InlineData("llama3-mini")]
    public void Write_ThenLoad_GivesIdenticalLogits(string name)
    {
        using var model = PretrainedModel.Load(TestData.GoldenModel(name));
        using var folder = new TemporaryFolder();
        ModelFolderWriter.Write(model.Model, folder.FullPath);
        using var reloaded = PretrainedModel.Load(folder.FullPath);

        Assert.Equal(model.Model.Shape, reloaded.Model.Shape);
        int[][] prompts = [[1, 5, 9, 200], [3, 4]];
        Assert.Equal(model.Model.Forward(ForwardBatch.RightPadded(prompts)).Logits, reloaded.Model.Forward(ForwardBatch.RightPadded(prompts)).Logits);
    }
}
