# staging images: mm-deploy rewrites the two image lines
agent_image = "registry.example/mm/agent:initial" # agent
users_image = "registry.example/mm/users:initial"
slow_seconds = "0"
