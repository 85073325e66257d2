package io.mmdeploy.engine.config;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One webhook an environment's deploys notify: Slack-compatible JSON ({@code {"text": …}}) or a generic JSON body.
 * Its URL is a secret (whoever holds it may post to the channel): the payload of a Secret Manager secret of the
 * environment's project, or a Jenkins string credential; it is masked in every log and never recorded.
 *
 * @param format how the body is shaped
 * @param urlSecret the Secret Manager secret holding the URL; null when {@code credentialsId} is given
 * @param credentialsId the Jenkins credentials id of a secret text holding the URL; null when {@code urlSecret} is
 * @param events what it is told of
 */
public record WebhookSpec(Format format, String urlSecret, String credentialsId, Set<Event> events) {
    public enum Format {
        SLACK("slack"),
        JSON("json");

        private final String id;

        Format(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /** What a deploy tells: it succeeded, failed, waits for a person's approval, or moved traffic back. */
    public enum Event {
        SUCCEEDED("succeeded"),
        FAILED("failed"),
        WAITING("waiting"),
        ROLLED_BACK("rolled-back");

        private final String id;

        Event(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static List<String> ids() {
            return java.util.Arrays.stream(values()).map(Event::id).toList();
        }
    }

    public WebhookSpec {
        events = events.isEmpty() ? Set.of() : EnumSet.copyOf(events);
    }

    /** Where the URL comes from, for messages (never the URL itself). */
    public String source() {
        return urlSecret != null ? "secret " + urlSecret : "Jenkins credentials " + credentialsId;
    }
}
