"""Who may change the catalog: roles, one-time invites and the server-side role check."""

from bot.team.roles import ROLES, AccessDenied, Member, Team, rank

__all__ = ["ROLES", "AccessDenied", "Member", "Team", "rank"]
