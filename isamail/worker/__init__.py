"""`isamail worker`: one long-running process for the work nobody should have to remember.

    loop.py      claim a due task, run it, give it back; SIGTERM ends it after the task
    leases.py    the tasks' shared state in the database (due time, lease), the workers
    tasks.py     the registry: confirmation and welcome mails, the bounce mailbox,
                 stale signups, retention (scheduled sends and quota resumes plug in)
    alerting.py  failures mailed to the office, once per kind and ``alerts.every``

Several workers on several machines share the tasks through the database: each task
runs once per interval, by whoever claims it first (``leases``).
"""
