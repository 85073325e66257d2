package io.mmdeploy.engine.init;

import java.util.List;

/**
 * A proposed {@code mm-deploy.yaml}: its text, with every point init could not decide written into it as a comment above
 * the field.
 *
 * @param yaml the file's text
 * @param questions what to answer: a blocking one leaves {@code "?"} in its field, which {@code validate} refuses until
 *     it is answered; the others are guesses to check
 */
public record ConfigProposal(String yaml, List<Question> questions) {
    /** The value init writes where it needs an answer; no field of the config accepts it. */
    public static final String UNANSWERED = "?";

    /** @param field the config path, e.g. {@code environments.staging.branch} */
    public record Question(String field, String text, boolean blocking) {}

    public ConfigProposal {
        questions = List.copyOf(questions);
    }

    public long blocking() {
        return questions.stream().filter(Question::blocking).count();
    }
}
