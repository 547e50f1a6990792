"""the store's schema when migrations began

Revision ID: 0001
Revises: 
Create Date: 2026-12-02 01:43:11.997192
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=320), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('file_id', sa.String(length=1100), nullable=False),
    sa.Column('manager', sa.String(length=320), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_at'), ['at'], unique=False)

    op.create_table('channels',
    sa.Column('manager', sa.String(length=320), nullable=False),
    sa.Column('channel_id', sa.String(length=64), nullable=False),
    sa.Column('resource_id', sa.String(length=200), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('expiration', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('manager'),
    sa.UniqueConstraint('channel_id')
    )
    op.create_table('cohort_quarters',
    sa.Column('quarter', sa.String(length=8), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('unplaced', sa.JSON(), nullable=False),
    sa.Column('organizer', sa.String(length=320), nullable=False),
    sa.Column('changed_by', sa.String(length=320), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('quarter')
    )
    op.create_table('cohorts',
    sa.Column('quarter', sa.String(length=8), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('pairs', sa.JSON(), nullable=False),
    sa.Column('start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('conflicts', sa.JSON(), nullable=False),
    sa.Column('event_id', sa.String(length=1100), nullable=False),
    sa.Column('doc_id', sa.String(length=128), nullable=False),
    sa.Column('invited', sa.JSON(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('quarter', 'number')
    )
    op.create_table('event_marks',
    sa.Column('event_id', sa.String(length=1100), nullable=False),
    sa.Column('one_on_one', sa.Boolean(), nullable=False),
    sa.Column('marked_by', sa.String(length=320), nullable=False),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id')
    )
    op.create_table('grants',
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('token', sa.Text(), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('email', 'kind')
    )
    op.create_table('leases',
    sa.Column('name', sa.String(length=400), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('managers',
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('sync_token', sa.String(length=2048), nullable=True),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('synced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failure', sa.String(length=300), nullable=True),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('email')
    )
    op.create_table('meetings',
    sa.Column('pair', sa.String(length=650), nullable=False),
    sa.Column('occurrence', sa.String(length=1100), nullable=False),
    sa.Column('range_name', sa.String(length=256), nullable=False),
    sa.Column('start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('gathered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('filled', sa.Boolean(), nullable=True),
    sa.Column('questions_answered', sa.Integer(), nullable=False),
    sa.Column('commitments', sa.Integer(), nullable=False),
    sa.Column('concrete', sa.Boolean(), nullable=True),
    sa.Column('pulse', sa.Integer(), nullable=True),
    sa.Column('carried', sa.Integer(), nullable=False),
    sa.Column('carried_done', sa.Integer(), nullable=False),
    sa.Column('notes_hash', sa.String(length=64), nullable=False),
    sa.Column('prepared', sa.Integer(), nullable=True),
    sa.Column('feedback', sa.Boolean(), nullable=True),
    sa.Column('oldest_open_days', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('pair', 'occurrence')
    )
    op.create_table('opt_outs',
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('email')
    )
    op.create_table('pairs',
    sa.Column('manager', sa.String(length=320), nullable=False),
    sa.Column('report', sa.String(length=320), nullable=False),
    sa.Column('doc_id', sa.String(length=128), nullable=True),
    sa.Column('shared_with', sa.JSON(), nullable=False),
    sa.Column('attached_to', sa.JSON(), nullable=False),
    sa.Column('zones', sa.JSON(), nullable=False),
    sa.Column('zones_checked', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('manager', 'report')
    )
    with op.batch_alter_table('pairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairs_doc_id'), ['doc_id'], unique=False)

    op.create_table('plan_entries',
    sa.Column('employee', sa.String(length=320), nullable=False),
    sa.Column('occurrence', sa.String(length=1100), nullable=False),
    sa.Column('range_name', sa.String(length=256), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('objective_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('employee', 'occurrence')
    )
    op.create_table('plans',
    sa.Column('employee', sa.String(length=320), nullable=False),
    sa.Column('doc_id', sa.String(length=128), nullable=False),
    sa.Column('manager', sa.String(length=320), nullable=False),
    sa.Column('shared_with', sa.JSON(), nullable=False),
    sa.Column('summary_hash', sa.String(length=64), nullable=True),
    sa.Column('revision', sa.String(length=200), nullable=True),
    sa.Column('layout', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('employee')
    )
    op.create_table('rollout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('units', sa.JSON(), nullable=False),
    sa.Column('groups', sa.JSON(), nullable=False),
    sa.Column('reuse_docs', sa.Boolean(), nullable=False),
    sa.Column('unit_templates', sa.JSON(), nullable=False),
    sa.Column('changed_by', sa.String(length=320), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('settings',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('value', sa.String(length=2000), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('signin_requests',
    sa.Column('state', sa.String(length=200), nullable=False),
    sa.Column('verifier', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('state')
    )
    op.create_table('templates',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=320), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('templates')
    op.drop_table('signin_requests')
    op.drop_table('settings')
    op.drop_table('rollout')
    op.drop_table('plans')
    op.drop_table('plan_entries')
    with op.batch_alter_table('pairs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pairs_doc_id'))

    op.drop_table('pairs')
    op.drop_table('opt_outs')
    op.drop_table('meetings')
    op.drop_table('managers')
    op.drop_table('leases')
    op.drop_table('grants')
    op.drop_table('event_marks')
    op.drop_table('cohorts')
    op.drop_table('cohort_quarters')
    op.drop_table('channels')
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_at'))

    op.drop_table('audit')
