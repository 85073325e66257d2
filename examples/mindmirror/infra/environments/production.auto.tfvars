# production: written by hand except for the image lines, which mm-deploy rewrites on every deploy.
project_id           = "mindmirror-69"
project_numerical_id = "3858903851"  # production project number
region               = "us-east4"
environment          = "production"
service_name_suffix  = ""

// Images (by digest once mm-deploy has deployed)
agent_service_container_image = "us-east4-docker.pkg.dev/mindmirror-69/mindmirror/agent-service:initial"
journal_service_container_image = "us-east4-docker.pkg.dev/mindmirror-69/mindmirror/journal-service:initial"
habits_service_container_image = "us-east4-docker.pkg.dev/mindmirror-69/mindmirror/habits-service:initial"
meals_service_container_image = "us-east4-docker.pkg.dev/mindmirror-69/mindmirror/meals-service:initial"
movements_service_container_image = "us-east4-docker.pkg.dev/mindmirror-69/mindmirror/movements-service:initial"
practices_service_container_image = "us-east4-docker.pkg.dev/mindmirror-69/mindmirror/practices-service:initial"
users_service_container_image = "us-east4-docker.pkg.dev/mindmirror-69/mindmirror/users-service:initial"
celery_worker_container_image = "us-east4-docker.pkg.dev/mindmirror-69/mindmirror/celery-worker:initial"
gateway_container_image = "us-east4-docker.pkg.dev/mindmirror-69/mindmirror/mesh-gateway:initial"
