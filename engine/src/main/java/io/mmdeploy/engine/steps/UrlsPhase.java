package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.serviceurls.CloudRunUrls;
import io.mmdeploy.engine.serviceurls.ServiceUrls;
import io.mmdeploy.engine.source.Sha256;
import java.util.TreeMap;

/** mmServiceUrls: reads each service's URL from Cloud Run and stores them as a new version of the URLs secret. */
final class UrlsPhase {
    private final RunContext run;

    UrlsPhase(RunContext run) {
        this.run = run;
    }

    /** Which URLs, as one value: the gateway's build records the one it was built with. */
    static String fingerprint(ServiceUrls urls) {
        return Sha256.hex(new TreeMap<>(urls.byService()).toString());
    }

    UrlsResult publish(EnvironmentSpec env) throws InterruptedException {
        RunJournal.Entry entry = run.guard(env, Phase.SERVICE_URLS);
        try (GoogleClients clients = run.open(env)) {
            run.lease(env, clients, entry);
            ServiceUrls urls;
            String version;
            try {
                urls = new CloudRunUrls(clients.services()).read(env, run.config.httpServices());
                version = run.stages.urlsSecret(clients).publish(env, urls);
            } catch (RuntimeException e) {
                run.failed(env, Phase.SERVICE_URLS, e);
                throw e;
            }
            // The URLs are the gateway build's input: a rerun with the same ones reuses its image.
            run.journal.update(env.name(), d -> d.phase(Phase.SERVICE_URLS, RunJournal.SUCCEEDED, fingerprint(urls), run.now(), version));
            return new UrlsResult(urls.byService(), version);
        }
    }
}
