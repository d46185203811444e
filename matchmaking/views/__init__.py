"""The pages of matchmaking, one module per part: requests and their
answers, the participant's schedule and availability, meetings and their
outcomes, recommendations."""
