package io.mmdeploy.engine.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mmdeploy.engine.config.WebhookSpec;
import io.mmdeploy.engine.config.WebhookSpec.Format;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.StageLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Posts a notification to each webhook that asked for its event: {@code {"text": …}} for Slack (and the chats that
 * take its format), or the notification's fields as JSON. A webhook that cannot be reached, refuses, or whose URL cannot
 * be read is logged and skipped: telling people never fails a deploy. The log names the webhook by where its URL comes
 * from, never by the URL.
 */
public final class Webhooks {
    public static final String STAGE = "notify";

    /** Where a webhook's URL comes from; it adds the URL to the run's mask before returning it. */
    @FunctionalInterface
    public interface UrlSource {
        /** @throws DeployException when the URL cannot be read */
        String url(WebhookSpec webhook);
    }

    private final HttpClient http;
    private final StageLog log;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();

    public Webhooks(HttpClient http, StageLog log, Duration timeout) {
        this.http = http;
        this.log = log;
        this.timeout = timeout;
    }

    /** @return how many webhooks took the notification */
    public int send(List<WebhookSpec> webhooks, Notification notification, UrlSource urls) throws InterruptedException {
        int told = 0;
        for (WebhookSpec webhook : webhooks) {
            if (!webhook.events().contains(notification.event())) {
                continue;
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(urls.url(webhook))).timeout(timeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body(webhook.format(), notification))).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    told++;
                    log.info("Told the webhook of " + webhook.source() + ": " + notification.event().id());
                } else {
                    log.warn("The webhook of " + webhook.source() + " answered HTTP " + response.statusCode() + "; the deploy goes on");
                }
            } catch (DeployException e) {
                log.warn("Cannot notify the webhook of " + webhook.source() + ": " + e.diagnostics().get(0).summary() + "; the deploy goes on");
            } catch (IOException | IllegalArgumentException e) {
                // Only the exception's kind: its message may carry the URL.
                log.warn("Cannot reach the webhook of " + webhook.source() + " (" + e.getClass().getSimpleName() + "); the deploy goes on");
            }
        }
        return told;
    }

    String body(Format format, Notification n) {
        ObjectNode body = json.createObjectNode();
        if (format == Format.SLACK) {
            body.put("text", n.text());
            return body.toString();
        }
        body.put("event", n.event().id());
        body.put("app", n.app());
        body.put("environment", n.environment());
        body.put("release", n.release());
        body.put("commit", n.commit());
        body.put("branch", n.branch());
        n.changes().forEach(body.putArray("changes")::add);
        body.put("build", n.buildUrl());
        body.put("detail", n.detail());
        body.put("text", n.text());
        return body.toString();
    }
}
