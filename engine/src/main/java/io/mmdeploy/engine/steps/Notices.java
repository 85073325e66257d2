package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.WebhookSpec;
import io.mmdeploy.engine.config.WebhookSpec.Event;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.EnvironmentSecrets;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.notify.Notification;
import io.mmdeploy.engine.notify.Webhooks;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells the environment's webhooks ({@code notify:}) how the run goes: the release succeeded or failed, waits for an
 * approval, or moved traffic back. Named from the run's journal: environment, release, commit, the services whose image
 * the run's plans change, the host's build page. Whatever goes wrong here is logged and the run goes on.
 */
final class Notices {
    private final RunContext run;

    Notices(RunContext run) {
        this.run = run;
    }

    void tell(EnvironmentSpec env, Event event, String detail) {
        List<WebhookSpec> webhooks = env.webhooks().stream().filter(w -> w.events().contains(event)).toList();
        if (webhooks.isEmpty()) {
            return;
        }
        RunJournal.Entry entry = run.journal.read(env.name());
        Notification notification = new Notification(event, run.config.app(), env.name(), entry.release(), entry.commit(), env.branch(),
                changes(entry), run.host.buildUrl(), detail);
        try (GoogleClients clients = run.open(env)) {
            EnvironmentSecrets secrets = new EnvironmentSecrets(clients.secretManager(), env, run.host.mask());
            run.stages.webhooks(clients).send(webhooks, notification, webhook -> url(env, webhook, secrets));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            run.stages.log(Webhooks.STAGE).warn("Notifications of " + env.name() + " not sent (" + e.getClass().getSimpleName() + "); the run goes on");
        }
    }

    private String url(EnvironmentSpec env, WebhookSpec webhook, EnvironmentSecrets secrets) {
        if (webhook.urlSecret() != null) {
            return secrets.value(webhook.urlSecret(), "environments." + env.name() + ".notify (" + webhook.source() + ")");
        }
        String url = run.host.secrets().secretText(webhook.credentialsId()).orElseThrow(() -> DeployException.of(
                "No credentials " + webhook.credentialsId() + " here",
                "This host keeps no Secret text credential with that id (a terminal has none: such a webhook is told by Jenkins builds)."));
        run.host.mask().add(url);
        return url;
    }

    /** The services and gateway whose new image this run's plans put in place (by digest), in config order. */
    private List<String> changes(RunJournal.Entry entry) {
        List<String> after = new ArrayList<>();
        for (Phase plan : List.of(Phase.SERVICES_PLAN, Phase.GATEWAY_PLAN)) {
            RunJournal.PendingPlan pending = entry.pending().get(plan.id());
            if (pending != null) {
                pending.imageChanges().forEach(c -> after.add(c.substring(c.lastIndexOf(" -> ") + 4)));
            }
        }
        List<String> changed = new ArrayList<>();
        entry.images().forEach((name, image) -> {
            if (image.digest() != null && after.stream().anyMatch(a -> a.contains(image.digest()))) {
                changed.add(name);
            }
        });
        return changed;
    }
}
