"""The Wagtail site: home, standard pages, navigation, settings, base templates, demo data."""
