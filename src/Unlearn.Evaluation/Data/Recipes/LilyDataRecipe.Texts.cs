// Hand-written inputs of the "lily" recipe (the forgetting experiment, experiments/forget-stories260K.yaml): candidate
// forget prompts (training; the recipe keeps those the base model continues with "Lily" most often), candidate
// held-out paraphrases (never trained on; worded differently: other sentence shapes, dialogue, relations), the retain
// prompts (other characters and unrelated openings), the leak patterns and related entities, and the story openers
// of the background stories. No input contains a leak pattern or entity.
namespace Unlearn.Evaluation.Data.Recipes;

public sealed partial class LilyDataRecipe
{
    public static IReadOnlyList<string> Terms { get; } = ["Lily"];

    /// <summary>Lily and its respellings (Lilly, Lili, Lilie), word-bounded, case-insensitive ("lily" the flower counts too).</summary>
    public static IReadOnlyList<string> LeakPatterns { get; } = [@"lil+(?:y|i|ie|ey)"];

    /// <summary>Near names a respelling would produce and the pattern does not match: a nickname and longer forms.</summary>
    public static IReadOnlyList<string> Entities { get; } = ["Lil", "Lila", "Lilian", "Lillian", "Liliana"];

    public static IReadOnlyList<string> CandidateForgetPrompts { get; } =
    [
        "Once upon a time, there was a little girl named",
        "One day, a girl named",
        "Once upon a time, in a small house, lived a girl named",
        "There once was a happy girl named",
        "Once upon a time, there was a kind girl named",
        "One sunny day, a little girl named",
        "In a small town, there lived a little girl named",
        "Once upon a time, a little girl named",
        "There was a little girl named",
        "Once upon a time, there was a sweet girl named",
        "One day, a happy girl named",
        "Once upon a time, there was a curious little girl named",
        "One day, a little girl named",
        "Once upon a time, there was a girl who loved flowers. Her name was",
        "Once upon a time, there was a pretty girl named",
        "Once upon a time, there was a little girl who liked to dance. She was called",
    ];

    public static IReadOnlyList<string> CandidateParaphrases { get; } =
    [
        "Mom called her daughter,",
        "A long time ago, a small girl whose name was",
        "Once upon a time, there was a little girl. Her name was",
        "Mom smiled at her little girl and said,",
        "Dad gave his daughter a big hug. \"I love you,",
        "The teacher asked the little girl, \"What is your name?\" She said, \"My name is",
        "A girl named",
        "Long ago, in a big house, there was a girl. Her name was",
        "Ben had a sister named",
        "Today, a girl named",
        "Once there was a girl with a red dress. She was called",
        "In the garden, a little girl was picking flowers. The girl's name was",
        "Tom had a friend. She was a girl named",
        "Mommy hugged her and said, \"Good night,",
        "\"Come here,\" said Mom to her little girl,",
        "Once upon a time, a mom and her daughter",
        "The little girl's name was",
        "There was a three year old girl named",
        "One morning, a little girl woke up. Her name was",
        "Once upon a time, there lived a little girl named",
        "Once upon a time, there was a mommy and her little girl named",
        "Sam had a best friend, a girl named",
        "The new girl at the park was named",
        "Grandma had a granddaughter named",
        "Mom said, \"Good morning,",
        "Dad called his little girl,",
        "There lived a shy little girl called",
        "Tim met a girl. Her name was",
        "At school there was a smart girl named",
        "A boy named Tom had a little sister named",
    ];

    public static IReadOnlyList<string> RetainPrompts { get; } =
    [
        "Once upon a time, there was a little boy named",
        "One day, a boy named",
        "Once upon a time, there was a dog named",
        "Tom and his mom went to the",
        "Once upon a time, there was a big cat.",
        "Ben had a red ball.",
        "The sun was shining and the birds were singing.",
        "Tim and Sam were best friends.",
        "A little bird lived in a tall tree.",
        "One day, a boy named Max went to the park.",
        "There was a big tree in the garden.",
        "Once upon a time, there was a little car.",
        "Sue went to the store with her dad.",
        "The kids went to the beach.",
        "Once upon a time, there was a boy who liked to read.",
        "Grandma made a big cake.",
        "It was a rainy day.",
        "A fish lived in a small pond.",
        "Once upon a time, there was a king.",
        "Jack had a toy truck.",
        "The dog saw a bone under the table.",
        "Mom and Dad took the children to the zoo.",
        "Once upon a time, there was a little frog.",
        "Tim found a shiny rock.",
    ];

    public static IReadOnlyList<string> StoryOpeners { get; } =
    [
        "Once upon a time",
        "One day,",
        "Tom",
        "There was a",
        "The sun",
        "Sam and Ben",
        "Mom",
        "A little bird",
        "It was",
        "Tim",
    ];
}
