"""The pull-request bot: post findings on a GitHub pull request as one-click suggested changes.

Flow: `targets` picks the configs a pull request touches, the finding source checks them (static
checks only: the content is untrusted), `suggestion` turns safe fixes inside the diff into
suggested changes, `dedupe` drops what an earlier run already posted, `payload` builds the one
review, `github_api` posts it, and `step_summary` renders the same report for stdout and the job summary.
"""
