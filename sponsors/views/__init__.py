"""The sponsor portal at /account/: one module per area (overview, onboarding, organisation,
contacts, team). Every view goes through `sponsors.portal.portal_view` or requires sign-in."""
