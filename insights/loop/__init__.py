"""Closing the loop: when product acts on a theme, the people who asked hear of it.

A status change (one ThemeEvent) fans out, in a Celery task after the change
commits, into in-app notifications and emails for the reps with notes in the
theme (`notify`, `emails`), signed webhook deliveries (`webhooks`) and, when
the theme ships, win-back tasks for the deals lost while citing it
(`winback`). Every row is unique per change, so a retried task or two racing
changes never deliver anything twice.
"""
