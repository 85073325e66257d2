// Seed 002's staging pipeline, its four phases in one run and without approval:
//   1 build the service images          (Build images)
//   3 build the gateway with the URLs the services will have (Gateway build; rebuilt by its plan if they differ)
//   2 apply the services' infrastructure (Services plan, Migrations, Services apply, Service URLs secret)
//   4 deploy the gateway                 (Gateway plan, Gateway apply with its health check)
// then the health of everything, the release record and the alias tag. The stages are the engine's
// deploy flow (DeployFlow.titles(), `mmdeploy plan` prints it) in its order: each phase refuses to
// start before the phases it needs, so the order is the engine's, not this file's. Nobody approves
// staging's plan, so its migrations run beside the services plan (production's wait for the gate);
// the apply waits for both.

/**
 * @param args config (default mm-deploy.yaml), environment (default staging), agent (node label)
 */
void call(Map args = [:]) {
    Map deploy = [environment: 'staging'] + args + [gated: false]
    mmDeployRun(deploy) { Map run ->
        Map common = [environment: run.environment, config: run.config]
        Map planOnly = common + [planOnly: true]
        mmDeployRun.onAgent(run) {
            mmDeployRun.preflight(run)
            // The images and the gateway's build at once; the gateway's plan rebuilds it only when the published URLs
            // differ from the expected ones, so an image with wrong URLs is never applied.
            mmDeployRun.imagesAndGateway(run)
        }
        // The plan reads the environment's state, so it is taken under the lock like everything after it. The lock is
        // taken outside node: waiting for it holds no executor.
        mmDeployRun.locked(run) {
            mmDeployRun.onAgent(run) {
                Map gatewayPlan = null
                Map servicesPlan = mmDeployRun.planBesideMigrations(run)
                mmDeployRun.applyServices(run, servicesPlan)
                mmDeployRun.phase(run, 'Gateway plan') {
                    gatewayPlan = mmDeployGateway(planOnly)
                    echo(gatewayPlan.summaryText)
                }
                mmDeployRun.gatewayAndChecks(run, gatewayPlan)
            }
        }
    }
}
