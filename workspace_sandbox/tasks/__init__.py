"""Google Cloud Tasks v2 in the Workspace sandbox: queues and tasks over REST, as
``google-cloud-tasks`` calls them with ``transport="rest"``, and a dispatcher that delivers tasks
to App Engine targets and HTTP targets the way Cloud Tasks pushes them.

:mod:`front` routes and authenticates, :mod:`queue_methods` and :mod:`task_methods` are the RPCs,
:mod:`store` keeps them in the world, :mod:`dispatcher` and :mod:`delivery` send them,
:mod:`retry` decides when again, :mod:`control_plane` is ``/_sandbox/tasks``.
"""
